package dev.fangxin.gateway.pages;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.fangxin.core.code.MerchantCode;
import dev.fangxin.core.code.MerchantLink;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.money.MoneyException;
import dev.fangxin.core.token.TokenException;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.cases.Actor;
import dev.fangxin.gateway.cases.CaseCodes;
import dev.fangxin.gateway.cases.CaseException;
import dev.fangxin.gateway.cases.CaseService;
import dev.fangxin.gateway.cases.CaseTransitionException;
import dev.fangxin.gateway.cases.ComplaintDetails;
import dev.fangxin.gateway.cases.ReceiptSummary;
import dev.fangxin.gateway.cases.StoredCase;
import dev.fangxin.gateway.cases.Transition;
import dev.fangxin.gateway.clearing.ClearingException;
import dev.fangxin.gateway.clearing.TraceRouter;
import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteRequest;
import dev.fangxin.gateway.http.RouteResponse;
import dev.fangxin.gateway.intake.CollectionCodes;
import dev.fangxin.gateway.intake.ComplaintIntake;
import dev.fangxin.gateway.intake.ComplaintRequest;
import dev.fangxin.gateway.intake.IntakeException;
import dev.fangxin.gateway.intake.ReceiptVerifier;
import dev.fangxin.gateway.registry.Merchant;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.RegisteredKey;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.StoreException;
import dev.fangxin.protocol.v1.CaseState;
import dev.fangxin.protocol.v1.ComplaintCategory;
import dev.fangxin.protocol.v1.DesiredOutcome;
import dev.fangxin.protocol.v1.TransactionType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The consumer's pages: server-rendered HTML at the dispute link, in {@link Lang zh-CN, zh-HK and
 * en}, over the same {@link ComplaintIntake} and {@link CaseService} as the JSON API (so
 * idempotency, one open case per receipt and the case lifecycle are the same rules).
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><th>Route</th><th>What</th></tr>
 *   <tr><td>{@code GET /D/{token}}</td><td>the landing page when {@code Accept} prefers {@code
 *       text/html}; otherwise the JSON receipt summary of {@link
 *       dev.fangxin.gateway.intake.IntakeRoutes} (see {@link #withPages})</td></tr>
 *   <tr><td>{@code GET /D/{token}/complaint}</td><td>the complaint form</td></tr>
 *   <tr><td>{@code POST /D/{token}/complaint}</td><td>files it (urlencoded or multipart with
 *       photos); 200 confirmation with the tracking link, or the form again with messages</td></tr>
 *   <tr><td>{@code GET /C/{id}/{secret}}</td><td>the tracking link: sets the case cookie, 303 to
 *       {@code /C/{id}}</td></tr>
 *   <tr><td>{@code GET /C/{id}}</td><td>the status page (needs the case cookie)</td></tr>
 *   <tr><td>{@code POST /C/{id}/{action}}</td><td>{@code accept}, {@code decline}, {@code
 *       escalate}: 303 back to the status page, or the status page with a message</td></tr>
 *   <tr><td>{@code GET /M/{token}}</td><td>with {@link #withCollectionCodes}: the collection-code
 *       page (merchant bound now, the form naming the payment by date, time and amount or by
 *       trace) when {@code Accept} prefers HTML; otherwise JSON describing the code's
 *       merchant</td></tr>
 *   <tr><td>{@code POST /M/{token}}</td><td>finds the payment: the complaint form for it, or the
 *       code form again with the reason (not found, several candidates, bad input)</td></tr>
 *   <tr><td>{@code POST /M/{token}/complaint}</td><td>files it for the found payment (carried in
 *       an HMAC-bound hidden value), as {@code POST /D/{token}/complaint} does</td></tr>
 *   <tr><td>{@code GET /assets/fangxin.css}</td><td>the one style sheet</td></tr>
 *   <tr><td>{@code GET /v1/cases/{id}/photos}, {@code GET /v1/cases/{id}/photos/{n}}</td><td>the
 *       case's photos, for its merchant (API key) or an operator</td></tr>
 * </table>
 *
 * <p>Every page carries {@link #CSP}, {@code Referrer-Policy: no-referrer}, {@code X-Frame-Options:
 * DENY} and (from the server) {@code Cache-Control: no-store} and {@code X-Content-Type-Options:
 * nosniff}. Forms are protected by {@link Csrf}; the form's nonce is the intake's idempotency key,
 * so a form sent twice shows the same case. A refused form stores nothing and answers in the
 * consumer's language; no client error is a 5xx. Thread-safe.
 */
public final class ConsumerPages {
  /** The Content-Security-Policy of every page: no script, no inline style, same-origin only. */
  public static final String CSP =
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self';"
          + " frame-ancestors 'none'; base-uri 'none'";

  /** The browser cookie that {@link Csrf} tokens are bound to. */
  static final String CSRF_COOKIE = "fx_csrf";

  /** The cookie holding a case's access secret, scoped to {@code /C/{id}}. */
  static final String CASE_COOKIE = "fx_case";

  private static final Logger LOG = Logger.getLogger(ConsumerPages.class.getName());
  private static final Set<String> FORM_FIELDS =
      Set.of("csrf", "nonce", "lang", "category", "outcome", "description", "phone");
  private static final Set<String> ACTION_FIELDS = Set.of("csrf", "nonce", "lang");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  private static final List<String> CATEGORIES =
      List.of(
          "quality",
          "safety",
          "measurement",
          "price",
          "service",
          "not_as_described",
          "not_delivered",
          "billing",
          "other");
  private static final List<String> OUTCOMES =
      List.of(
          "refund_money", "return_goods", "exchange", "repair", "compensation", "apology", "other");

  private final ReceiptVerifier verifier;
  private final ComplaintIntake intake;
  private final CaseService cases;
  private final Photos photos;
  private final Csrf csrf;
  private final Guard guard;
  private final boolean secureCookies;
  private final CodeServices code;
  private final Messages messages = Messages.load();
  private final Templates templates = new Templates();
  private final byte[] css;

  private ConsumerPages(
      ReceiptVerifier verifier,
      ComplaintIntake intake,
      CaseService cases,
      Photos photos,
      Csrf csrf,
      Guard guard,
      boolean secureCookies,
      CodeServices code) {
    this.verifier = verifier;
    this.code = code;
    this.intake = intake;
    this.cases = cases;
    this.photos = photos;
    this.csrf = csrf;
    this.guard = guard;
    this.secureCookies = secureCookies;
    try (InputStream in = ConsumerPages.class.getResourceAsStream("fangxin.css")) {
      if (in == null) {
        throw new IOException("fangxin.css is not on the class path.");
      }
      this.css = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The pages over the gateway's services.
   *
   * @param guard authenticates merchants and operators on the photo routes
   * @param secureCookies true when the gateway serves TLS: cookies then carry {@code Secure}
   */
  public static ConsumerPages create(
      ReceiptVerifier verifier,
      ComplaintIntake intake,
      CaseService cases,
      Photos photos,
      Csrf csrf,
      Guard guard,
      boolean secureCookies) {
    return new ConsumerPages(
        Objects.requireNonNull(verifier, "verifier == null"),
        Objects.requireNonNull(intake, "intake == null"),
        Objects.requireNonNull(cases, "cases == null"),
        Objects.requireNonNull(photos, "photos == null"),
        Objects.requireNonNull(csrf, "csrf == null"),
        Objects.requireNonNull(guard, "guard == null"),
        secureCookies,
        null);
  }

  /**
   * These pages with the merchant collection-code pages ({@code GET /M/{token}}, {@code POST
   * /M/{token}}, {@code POST /M/{token}/complaint}): {@code registry} verifies codes and names the
   * merchant bound now ({@code clock}), {@code codes} finds a payment by time and amount, {@code
   * traces} by the trace from the payment app. All on the store of {@code intake}.
   */
  public ConsumerPages withCollectionCodes(
      Registry registry, CollectionCodes codes, TraceRouter traces, Clock clock) {
    return new ConsumerPages(
        verifier,
        intake,
        cases,
        photos,
        csrf,
        guard,
        secureCookies,
        new CodeServices(
            Objects.requireNonNull(registry, "registry == null"),
            Objects.requireNonNull(codes, "codes == null"),
            Objects.requireNonNull(traces, "traces == null"),
            Objects.requireNonNull(clock, "clock == null")));
  }

  private static final class CodeServices {
    final Registry registry;
    final CollectionCodes codes;
    final TraceRouter traces;
    final Clock clock;

    CodeServices(Registry registry, CollectionCodes codes, TraceRouter traces, Clock clock) {
      this.registry = registry;
      this.codes = codes;
      this.traces = traces;
      this.clock = clock;
    }
  }

  /** The messages the pages speak. */
  public Messages messages() {
    return messages;
  }

  /** The pages' own routes (every route in the class comment except {@code GET /D/{token}}). */
  public List<Route> routes() {
    List<Route> out = new ArrayList<>();
    out.add(page("GET", "/D/{token}/complaint", this::form));
    out.add(
        page("POST", "/D/{token}/complaint", this::file)
            .withBodyLimit(MAX_FORM_BYTES, this::tooLarge));
    out.add(page("GET", "/C/{id}", this::status));
    out.add(page("GET", "/C/{id}/{secret}", this::track));
    out.add(page("POST", "/C/{id}/{action}", this::act));
    out.add(Route.of("GET", "/assets/fangxin.css", r -> withPageHeaders(cssResponse())));
    out.add(Route.of("GET", "/v1/cases/{id}/photos", this::photoList).withErrorStatus(500));
    out.add(Route.of("GET", "/v1/cases/{id}/photos/{n}", this::photo).withErrorStatus(500));
    if (code != null) {
      out.add(
          Route.of(
                  "GET",
                  "/M/{token}",
                  request ->
                      prefersHtml(request.header("accept"))
                          ? guarded(this::codePage, request)
                          : codeJson(request))
              .withErrorStatus(500));
      out.add(page("POST", "/M/{token}", this::findPayment));
      out.add(
          page("POST", "/M/{token}/complaint", this::fileForCode)
              .withBodyLimit(MAX_FORM_BYTES, this::tooLarge));
    }
    return List.copyOf(out);
  }

  /**
   * The body limit of the complaint form routes: {@link Photos#MAX_PHOTOS} photos of {@link
   * Photos#MAX_PHOTO_BYTES} each, plus 1 MiB for the fields and the multipart framing.
   */
  public static final int MAX_FORM_BYTES = Photos.MAX_PHOTOS * Photos.MAX_PHOTO_BYTES + (1 << 20);

  /** A complaint form over {@link #MAX_FORM_BYTES}: a 413 page, or the problem for API clients. */
  private RouteResponse tooLarge(RouteRequest request) {
    if (!prefersHtml(request.header("accept"))) {
      throw new IllegalStateException("not a browser: the server's 413 problem answers");
    }
    Lang lang = lang(request, Optional.empty());
    return message(
        413,
        lang,
        request,
        "error_too_large_title",
        messages.get(
            lang, "error_too_large", Photos.MAX_PHOTOS, Photos.MAX_PHOTO_BYTES / (1024 * 1024)),
        hrefPath(
                request.path().startsWith("/M/")
                    ? request.path().replaceFirst("/complaint$", "")
                    : request.path())
            + "?lang="
            + lang.tag(),
        messages.get(lang, "error_too_large_back"));
  }

  /**
   * {@code apiRoutes} with {@code GET /D/{token}} answering the landing page to requests whose
   * {@code Accept} prefers {@code text/html} ({@link #prefersHtml}); every other request, and every
   * other route, is answered by the original handler unchanged.
   */
  public List<Route> withPages(List<Route> apiRoutes) {
    List<Route> out = new ArrayList<>();
    for (Route r : apiRoutes) {
      if (r.method().equals("GET") && r.pattern().equals("/D/{token}")) {
        Route api = r;
        out.add(
            Route.of(
                    "GET",
                    "/D/{token}",
                    request ->
                        prefersHtml(request.header("accept"))
                            ? guarded(this::landing, request)
                            : api.handler().handle(request))
                .withErrorStatus(api.errorStatus()));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * True if {@code accept} asks for HTML before JSON: it names {@code text/html} or {@code
   * application/xhtml+xml} with a weight above 0 and above any weight it gives {@code
   * application/json}. No header, {@code *}{@code /*} alone or {@code application/json} → false.
   */
  public static boolean prefersHtml(Optional<String> accept) {
    if (accept.isEmpty() || accept.get().length() > 2000) {
      return false;
    }
    double html = 0;
    double json = 0;
    for (String range : accept.get().split(",")) {
      String[] parts = range.trim().split(";", -1);
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim();
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (type.equals("text/html") || type.equals("application/xhtml+xml")) {
        html = Math.max(html, q);
      } else if (type.equals("application/json") || type.equals("application/problem+json")) {
        json = Math.max(json, q);
      }
    }
    return html > 0 && html > json;
  }

  // ------------------------------------------------------------------ plumbing

  @FunctionalInterface
  private interface PageHandler {
    RouteResponse handle(RouteRequest request, Lang lang);
  }

  private Route page(String method, String pattern, PageHandler handler) {
    return Route.of(method, pattern, request -> guarded(handler, request)).withErrorStatus(500);
  }

  /** Runs a page handler; a store failure becomes a 503 page in the consumer's language. */
  private RouteResponse guarded(PageHandler handler, RouteRequest request) {
    Lang lang = lang(request, Optional.empty());
    try {
      return handler.handle(request, lang);
    } catch (StoreException e) {
      LOG.log(Level.WARNING, "store failed: " + e.reason(), e);
      return message(
              503,
              lang,
              request,
              "error_unavailable_title",
              messages.get(lang, "error_unavailable"),
              null,
              null)
          .withHeader("Retry-After", "1");
    }
  }

  private static Lang lang(RouteRequest request, Optional<String> formLang) {
    Optional<String> explicit = formLang.isPresent() ? formLang : query(request, "lang");
    return Lang.choose(explicit, request.header("accept-language"));
  }

  private static Optional<String> query(RouteRequest request, String name) {
    List<String> v = request.query().get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** The browser's CSRF cookie, when it has the shape of one. */
  private static Optional<String> csrfCookie(RouteRequest request) {
    return cookie(request, CSRF_COOKIE).filter(v -> Csrf.VALUE.matcher(v).matches());
  }

  private static Optional<String> cookie(RouteRequest request, String name) {
    Optional<String> header = request.header("cookie");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    for (String part : header.get().split(";")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).equals(name)) {
        return Optional.of(p.substring(eq + 1));
      }
    }
    return Optional.empty();
  }

  private String setCookie(String name, String value, String path) {
    return name
        + "="
        + value
        + "; Path="
        + path
        + "; HttpOnly; SameSite="
        + (name.equals(CSRF_COOKIE) ? "Strict" : "Lax")
        + (secureCookies ? "; Secure" : "");
  }

  private static RouteResponse withPageHeaders(RouteResponse r) {
    return r.withHeader("Content-Security-Policy", CSP)
        .withHeader("Referrer-Policy", "no-referrer")
        .withHeader("X-Frame-Options", "DENY");
  }

  private RouteResponse cssResponse() {
    return RouteResponse.of(200, "text/css; charset=utf-8", css);
  }

  private RouteResponse html(int status, String template, Map<String, Object> scope) {
    return withPageHeaders(
        RouteResponse.of(status, "text/html; charset=utf-8", templates.render(template, scope)));
  }

  private static RouteResponse redirect(String location) {
    return withPageHeaders(RouteResponse.of(303, "text/plain; charset=utf-8", new byte[0]))
        .withHeader("Location", location);
  }

  /** The scope every page shares: language, texts, title, the language switch. */
  private Map<String, Object> scope(Lang lang, RouteRequest request, String titleKey) {
    Map<String, Object> s = new HashMap<>();
    s.put("lang", lang.tag());
    s.put("t", messages.all(lang));
    s.put("title", messages.get(lang, titleKey));
    List<Map<String, Object>> langs = new ArrayList<>();
    String path = hrefPath(request.method().equals("GET") ? request.path() : switchPath(request));
    for (Lang l : Lang.values()) {
      Map<String, Object> m = new HashMap<>();
      m.put("tag", l.tag());
      m.put("name", l.nativeName());
      m.put("current", l == lang);
      m.put("href", path + "?lang=" + l.tag());
      langs.add(m);
    }
    s.put("langs", langs);
    return s;
  }

  /** {@code path} percent-encoded for an {@code href}; "/" if it cannot be. */
  private static String hrefPath(String path) {
    try {
      return new java.net.URI(null, null, path, null).getRawPath();
    } catch (java.net.URISyntaxException e) {
      return "/";
    }
  }

  /** Where the language switch of a POST's answer points: the page the form came from. */
  private static String switchPath(RouteRequest request) {
    String p = request.path();
    if (p.startsWith("/C/")) {
      return "/C/" + request.pathParam("id");
    }
    return p; // /D/{token}/complaint answers GET with a fresh form
  }

  private RouteResponse message(
      int status,
      Lang lang,
      RouteRequest request,
      String titleKey,
      String message,
      String linkHref,
      String linkText) {
    Map<String, Object> s = scope(lang, request, titleKey);
    s.put("message", message);
    if (linkHref != null) {
      s.put("linkHref", linkHref);
      s.put("linkText", linkText);
    }
    return html(status, "message", s);
  }

  /** The page for a token that does not verify, in the consumer's language. */
  private RouteResponse tokenProblem(IntakeException e, Lang lang, RouteRequest request) {
    return tokenProblem(e.reasonCode(), lang, request);
  }

  private RouteResponse tokenProblem(
      IntakeException.Reason reason, Lang lang, RouteRequest request) {
    boolean code = request.path().startsWith("/M/");
    String key;
    switch (reason) {
      case TOKEN_MALFORMED:
        key = code ? "error_mcode_malformed" : "error_token_malformed";
        break;
      case UNKNOWN_KEY:
      case BAD_SIGNATURE:
        key = code ? "error_mcode_forged" : "error_token_forged";
        break;
      case TOKEN_REVOKED:
        key = code ? "error_mcode_revoked" : "error_token_revoked";
        break;
      case UNKNOWN_TOOL:
      case NO_MERCHANT:
        key = code ? "error_mcode_no_merchant" : "error_no_merchant";
        break;
      default:
        key = code ? "error_mcode_malformed" : "error_token_malformed";
    }
    return message(
        reason.status(), lang, request, key + "_title", messages.get(lang, key), null, null);
  }

  // ------------------------------------------------------------------ receipt pages

  private Map<String, Object> receipt(ReceiptSummary r, Lang lang) {
    Map<String, Object> m = new HashMap<>();
    m.put("merchant", r.merchantName());
    m.put("amount", money(r.amount()));
    m.put("time", TIME.format(r.paidAtLocal()) + " (" + r.timeZone().getId() + ")");
    String type =
        r.type() == TransactionType.TRANSACTION_TYPE_SALE
            ? "type_sale"
            : r.type() == TransactionType.TRANSACTION_TYPE_REFUND ? "type_refund" : "type_other";
    m.put("type", messages.get(lang, type));
    r.maskedCard().ifPresent(card -> m.put("card", card.value()));
    return m;
  }

  private static String money(Money m) {
    return m.currencyCode() + " " + m.toDecimalString();
  }

  private RouteResponse landing(RouteRequest request, Lang lang) {
    String token = request.pathParam("token");
    ReceiptSummary r;
    try {
      r = verifier.verify(token);
    } catch (IntakeException e) {
      return tokenProblem(e, lang, request);
    }
    Map<String, Object> s = scope(lang, request, "landing_title");
    s.put("receipt", receipt(r, lang));
    s.put("formHref", "/D/" + token + "/complaint?lang=" + lang.tag());
    return html(200, "landing", s);
  }

  private RouteResponse form(RouteRequest request, Lang lang) {
    String token = request.pathParam("token");
    ReceiptSummary r;
    try {
      r = verifier.verify(token);
    } catch (IntakeException e) {
      return tokenProblem(e, lang, request);
    }
    Optional<String> browser = csrfCookie(request);
    return formPage(200, request, lang, receiptTarget(token), r, browser, Map.of(), Map.of(), null);
  }

  /** The complaint form, with {@code values} refilled and {@code errors} by field. */
  private RouteResponse formPage(
      int status,
      RouteRequest request,
      Lang lang,
      Target target,
      ReceiptSummary r,
      Optional<String> browser,
      Map<String, String> values,
      Map<String, String> errors,
      String banner) {
    String browserValue = browser.orElseGet(csrf::newBrowserValue);
    String nonce = csrf.newBrowserValue();
    Map<String, Object> s = scope(lang, request, "form_title");
    s.put("receipt", receipt(r, lang));
    s.put("action", target.action);
    s.put("nonce", nonce);
    s.put("csrf", csrf.token(target.purpose, target.subject, nonce, browserValue));
    if (target.payment != null) {
      s.put("payment", target.payment);
    }
    s.put("values", values);
    s.put("errors", errors);
    s.put(
        "photosHint",
        messages.get(
            lang, "form_photos_hint", Photos.MAX_PHOTOS, Photos.MAX_PHOTO_BYTES / (1024 * 1024)));
    s.put("categories", choices(lang, "category_", CATEGORIES, values.get("category")));
    s.put("outcomes", choices(lang, "outcome_", OUTCOMES, values.get("outcome")));
    if (banner != null) {
      s.put("banner", banner);
    } else if (!errors.isEmpty()) {
      s.put("banner", messages.get(lang, "error_summary"));
    }
    RouteResponse res = html(status, "form", s);
    if (browser.isEmpty()) {
      res = res.withHeader("Set-Cookie", setCookie(CSRF_COOKIE, browserValue, "/"));
    }
    return res;
  }

  private List<Map<String, Object>> choices(
      Lang lang, String prefix, List<String> codes, String selected) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String c : codes) {
      Map<String, Object> m = new HashMap<>();
      m.put("value", c);
      m.put("label", messages.get(lang, prefix + c));
      m.put("selected", c.equals(selected));
      out.add(m);
    }
    return out;
  }

  private RouteResponse file(RouteRequest request, Lang headerLang) {
    String token = request.pathParam("token");
    ReceiptSummary r;
    try {
      r = verifier.verify(token);
    } catch (IntakeException e) {
      return tokenProblem(e, headerLang, request);
    }
    Target target = receiptTarget(token);
    Optional<String> browser = csrfCookie(request);
    FormData form;
    try {
      form =
          FormData.parse(
              request.header("content-type"), request.body(), FORM_FIELDS, Optional.of("photos"));
    } catch (PageException e) {
      return formPage(
          400,
          request,
          headerLang,
          target,
          r,
          browser,
          Map.of(),
          Map.of(),
          messages.get(headerLang, e.reasonCode().messageKey()));
    }
    return complete(
        request,
        form,
        target,
        r,
        browser,
        details -> ComplaintRequest.of(token, details, Optional.empty()));
  }

  /** Where a complaint form is sent and what its CSRF token is bound to. */
  private static final class Target {
    final String action;
    final String purpose;
    final String subject;
    final String payment;

    Target(String action, String purpose, String subject, String payment) {
      this.action = action;
      this.purpose = purpose;
      this.subject = subject;
      this.payment = payment;
    }
  }

  private static Target receiptTarget(String token) {
    return new Target("/D/" + token + "/complaint", "complaint", token, null);
  }

  /**
   * Checks a parsed complaint form (CSRF, fields, photos) for the payment {@code r} and files it
   * with the request {@code origin} builds; the confirmation page, or the form again.
   */
  private RouteResponse complete(
      RouteRequest request,
      FormData form,
      Target target,
      ReceiptSummary r,
      Optional<String> browser,
      java.util.function.Function<ComplaintDetails, ComplaintRequest> origin) {
    Lang lang = lang(request, form.field("lang"));
    Map<String, String> values = new HashMap<>();
    form.field("category").ifPresent(v -> values.put("category", v));
    form.field("outcome").ifPresent(v -> values.put("outcome", v));
    form.field("description").ifPresent(v -> values.put("description", v));
    form.field("phone").ifPresent(v -> values.put("phone", v));

    if (!csrf.verify(
        target.purpose, target.subject, form.field("nonce"), browser, form.field("csrf"))) {
      return formPage(
          403,
          request,
          lang,
          target,
          r,
          browser,
          values,
          Map.of(),
          messages.get(lang, "error_csrf"));
    }
    String nonce = form.field("nonce").orElseThrow();

    Map<String, String> errors = new LinkedHashMap<>();
    Optional<ComplaintCategory> category =
        form.trimmed("category").filter(CATEGORIES::contains).flatMap(CaseCodes::parseCategory);
    if (category.isEmpty()) {
      errors.put("category", messages.get(lang, "error_category"));
    }
    Optional<DesiredOutcome> outcome =
        form.trimmed("outcome").filter(OUTCOMES::contains).flatMap(CaseCodes::parseOutcome);
    if (outcome.isEmpty()) {
      errors.put("outcome", messages.get(lang, "error_outcome"));
    }
    String description = form.field("description").map(String::strip).orElse("");
    if (description.isEmpty()) {
      errors.put("description", messages.get(lang, "error_description_required"));
    } else if (description.length() > ComplaintDetails.MAX_DESCRIPTION_LENGTH) {
      errors.put("description", messages.get(lang, "error_description_too_long"));
    } else if (ComplaintDetails.descriptionProblem(description).isPresent()) {
      errors.put("description", messages.get(lang, "error_description_invalid"));
    }
    Optional<String> phone = form.trimmed("phone");
    if (phone.isPresent() && ComplaintDetails.phoneProblem(phone.get()).isPresent()) {
      errors.put("phone", messages.get(lang, "error_phone"));
    }
    List<Photos.Photo> accepted = List.of();
    try {
      accepted = Photos.sanitize(form.files());
    } catch (PageException e) {
      errors.put("photos", messages.get(lang, e.reasonCode().messageKey()));
    }
    if (!errors.isEmpty()) {
      return formPage(422, request, lang, target, r, browser, values, errors, null);
    }

    ComplaintIntake.Filing filing;
    try {
      ComplaintDetails details =
          ComplaintDetails.of(category.get(), outcome.get(), description, phone, Optional.empty());
      filing = intake.file(origin.apply(details), Optional.of("page:" + nonce));
    } catch (IntakeException e) {
      switch (e.reasonCode()) {
        case IDEMPOTENCY_KEY_REUSED:
          return formPage(
              422,
              request,
              lang,
              target,
              r,
              browser,
              values,
              Map.of(),
              messages.get(lang, "error_already_sent"));
        case CASE_ALREADY_OPEN:
        case CONFLICT:
          return message(
              409,
              lang,
              request,
              "error_already_open_title",
              messages.get(lang, "error_already_open"),
              null,
              null);
        case INVALID_FIELD:
          return formPage(
              422,
              request,
              lang,
              target,
              r,
              browser,
              values,
              Map.of(),
              messages.get(lang, "error_malformed_form"));
        default:
          return tokenProblem(e, lang, request);
      }
    } catch (ClearingException e) {
      return paymentProblem(e, lang, request);
    }
    photos.save(filing.caseId(), accepted);
    String trackPath =
        "/C/" + filing.caseId() + "/" + filing.accessSecret() + "?lang=" + lang.tag();
    Map<String, Object> s = scope(lang, request, "filed_title");
    s.put("caseId", filing.caseId());
    s.put("merchant", r.merchantName());
    s.put("deadline", local(filing.storedCase().record().merchantDeadline(), r.timeZone()));
    int count = photos.count(filing.caseId());
    if (count > 0) {
      s.put("photoCount", count);
    }
    s.put("trackHref", trackPath);
    s.put("trackUrl", request.header("host").map(h -> h + trackPath).orElse(trackPath));
    return html(filing.created() ? 201 : 200, "filed", s);
  }

  private static String local(Instant at, ZoneId zone) {
    return TIME.format(at.atZone(zone)) + " (" + zone.getId() + ")";
  }

  // ------------------------------------------------------------------ collection codes

  private static final Set<String> CODE_FIELDS =
      Set.of("csrf", "nonce", "lang", "date", "time", "amount", "trace");
  private static final Set<String> CODE_COMPLAINT_FIELDS =
      Set.of("csrf", "nonce", "lang", "category", "outcome", "description", "phone", "payment");
  private static final java.util.regex.Pattern AMOUNT =
      java.util.regex.Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,2})?");
  private static final java.util.regex.Pattern DATE =
      java.util.regex.Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final java.util.regex.Pattern CLOCK =
      java.util.regex.Pattern.compile("[0-9]{2}:[0-9]{2}(:[0-9]{2})?");

  /** Why a collection code is refused, with the reason a receipt token would have. */
  private static final class CodeRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final IntakeException.Reason reason;

    CodeRefusal(IntakeException.Reason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  /** A verified collection code: its tool and the merchant bound to it now. */
  private static final class CodeMerchant {
    final PaymentTool tool;
    final Merchant merchant;

    CodeMerchant(PaymentTool tool, Merchant merchant) {
      this.tool = tool;
      this.merchant = merchant;
    }
  }

  /**
   * Verifies the code in the path as {@link CollectionCodes} does, at the current time.
   *
   * @throws CodeRefusal with the reasons of a receipt token
   */
  private CodeMerchant verifyCode(String token) {
    MerchantCode mc;
    try {
      mc = MerchantLink.decodeCode(token);
    } catch (TokenException | IllegalArgumentException e) {
      throw new CodeRefusal(
          IntakeException.Reason.TOKEN_MALFORMED, "The merchant code is not well-formed.");
    }
    RegisteredKey key =
        code.registry
            .key(mc.claim().keyId())
            .orElseThrow(
                () ->
                    new CodeRefusal(
                        IntakeException.Reason.UNKNOWN_KEY, "The code's key is not registered."));
    try {
      mc.verify(key.publicKey());
    } catch (TokenException e) {
      throw new CodeRefusal(
          IntakeException.Reason.BAD_SIGNATURE, "The merchant code's signature does not verify.");
    }
    Instant now = code.clock.instant();
    if (!key.validAt(now)) {
      throw new CodeRefusal(
          IntakeException.Reason.TOKEN_REVOKED, "The collection code's key was revoked.");
    }
    PaymentTool tool =
        code.registry
            .tool(key.toolId())
            .orElseThrow(
                () ->
                    new CodeRefusal(
                        IntakeException.Reason.UNKNOWN_TOOL, "The code's tool is not registered."));
    Merchant merchant =
        code.registry
            .merchantAt(tool.id(), now)
            .flatMap(code.registry::merchant)
            .orElseThrow(
                () ->
                    new CodeRefusal(
                        IntakeException.Reason.NO_MERCHANT,
                        "The collection code is not bound to a merchant now."));
    return new CodeMerchant(tool, merchant);
  }

  /** {@code GET /M/{token}} for API clients: the code's merchant as JSON, or a problem. */
  private RouteResponse codeJson(RouteRequest request) {
    CodeMerchant cm;
    try {
      cm = verifyCode(request.pathParam("token"));
    } catch (CodeRefusal e) {
      throw ProblemException.of(e.reason.code(), e.reason.status(), e.getMessage());
    } catch (StoreException e) {
      throw unavailable(e);
    }
    JsonObject m = new JsonObject();
    m.addProperty("id", cm.merchant.id());
    m.addProperty("name", cm.merchant.name());
    m.addProperty("time_zone", cm.merchant.timeZone().getId());
    JsonObject body = new JsonObject();
    body.addProperty("tool_id", cm.tool.id());
    body.add("merchant", m);
    body.addProperty("complaints", "/v1/complaints");
    return RouteResponse.json(200, body.toString());
  }

  private RouteResponse codePage(RouteRequest request, Lang lang) {
    String token = request.pathParam("token");
    CodeMerchant cm;
    try {
      cm = verifyCode(token);
    } catch (CodeRefusal e) {
      return tokenProblem(e.reason, lang, request);
    }
    Optional<String> browser = csrfCookie(request);
    return codeFormPage(200, request, lang, token, cm, browser, Map.of(), Map.of(), null, null);
  }

  /** The "name your payment" form, with {@code values} refilled and {@code errors} by field. */
  private RouteResponse codeFormPage(
      int status,
      RouteRequest request,
      Lang lang,
      String token,
      CodeMerchant cm,
      Optional<String> browser,
      Map<String, String> values,
      Map<String, String> errors,
      String banner,
      List<String> candidates) {
    String browserValue = browser.orElseGet(csrf::newBrowserValue);
    String nonce = csrf.newBrowserValue();
    Map<String, Object> s = scope(lang, request, "code_title");
    s.put("merchant", cm.merchant.name());
    s.put("zone", cm.merchant.timeZone().getId());
    s.put("timeHint", messages.get(lang, "code_time_hint", cm.merchant.timeZone().getId()));
    s.put("action", "/M/" + token);
    s.put("nonce", nonce);
    s.put("csrf", csrf.token("code", token, nonce, browserValue));
    s.put("values", values);
    s.put("errors", errors);
    if (candidates != null && !candidates.isEmpty()) {
      s.put("candidates", candidates);
      s.put("hasCandidates", true);
    }
    if (banner != null) {
      s.put("banner", banner);
    } else if (!errors.isEmpty()) {
      s.put("banner", messages.get(lang, "error_summary"));
    }
    RouteResponse res = html(status, "code", s);
    if (browser.isEmpty()) {
      res = res.withHeader("Set-Cookie", setCookie(CSRF_COOKIE, browserValue, "/"));
    }
    return res;
  }

  /** {@code POST /M/{token}}: finds the payment; its complaint form, or the code form again. */
  private RouteResponse findPayment(RouteRequest request, Lang headerLang) {
    String token = request.pathParam("token");
    CodeMerchant cm;
    try {
      cm = verifyCode(token);
    } catch (CodeRefusal e) {
      return tokenProblem(e.reason, headerLang, request);
    }
    Optional<String> browser = csrfCookie(request);
    FormData form;
    try {
      form =
          FormData.parse(
              request.header("content-type"), request.body(), CODE_FIELDS, Optional.empty());
    } catch (PageException e) {
      return codeFormPage(
          400,
          request,
          headerLang,
          token,
          cm,
          browser,
          Map.of(),
          Map.of(),
          messages.get(headerLang, e.reasonCode().messageKey()),
          null);
    }
    Lang lang = lang(request, form.field("lang"));
    Map<String, String> values = new HashMap<>();
    for (String f : List.of("date", "time", "amount", "trace")) {
      form.field(f).ifPresent(v -> values.put(f, v));
    }
    if (!csrf.verify("code", token, form.field("nonce"), browser, form.field("csrf"))) {
      return codeFormPage(
          403,
          request,
          lang,
          token,
          cm,
          browser,
          values,
          Map.of(),
          messages.get(lang, "error_csrf"),
          null);
    }
    Map<String, String> errors = new LinkedHashMap<>();
    Optional<LocalDate> date = form.trimmed("date").flatMap(ConsumerPages::parseDate);
    if (date.isEmpty()) {
      errors.put("date", messages.get(lang, "error_code_date"));
    }
    // A durable trace pads its parts with spaces (and may end with them): keep inner spaces, and
    // give back trailing ones a copy-and-paste lost.
    Optional<String> traceText =
        form.trimmed("trace")
            .map(
                t -> {
                  String u = t.toUpperCase(Locale.ROOT);
                  return u.length() < DurableTrace.LENGTH
                      ? u + " ".repeat(DurableTrace.LENGTH - u.length())
                      : u;
                });
    Optional<DurableTrace> trace = Optional.empty();
    if (traceText.isPresent()) {
      try {
        trace = Optional.of(DurableTrace.parse(traceText.get()));
      } catch (InvalidIdentifierException e) {
        errors.put("trace", messages.get(lang, "error_code_trace"));
      }
    }
    Optional<LocalTime> time = form.trimmed("time").flatMap(ConsumerPages::parseTime);
    if (traceText.isEmpty() && time.isEmpty()) {
      errors.put("time", messages.get(lang, "error_code_time"));
    }
    Optional<Money> amount = form.trimmed("amount").flatMap(ConsumerPages::parseAmount);
    if (amount.isEmpty()) {
      errors.put("amount", messages.get(lang, "error_code_amount"));
    }
    if (!errors.isEmpty()) {
      return codeFormPage(422, request, lang, token, cm, browser, values, errors, null, null);
    }
    ReceiptSummary found;
    try {
      if (trace.isPresent()) {
        TraceRouter.Routed routed = code.traces.route(trace.get(), amount, date);
        if (!routed.tool().id().equals(cm.tool.id())) {
          throw ClearingException.payment(
              ClearingException.Reason.NO_PAYMENT,
              "The trace is not a payment at this code.",
              null);
        }
        found = traceSummary(routed);
      } else {
        found =
            code.codes.resolve(
                ComplaintRequest.CodedOrigin.of(
                    token, LocalDateTime.of(date.get(), time.get()).toString(), amount.get()));
      }
    } catch (ClearingException e) {
      return codePaymentProblem(e, request, lang, token, cm, browser, values);
    } catch (IntakeException e) {
      return tokenProblem(e, lang, request);
    }
    return formPage(
        200, request, lang, codeTarget(token, found), found, browser, Map.of(), Map.of(), null);
  }

  private RouteResponse codePaymentProblem(
      ClearingException e,
      RouteRequest request,
      Lang lang,
      String token,
      CodeMerchant cm,
      Optional<String> browser,
      Map<String, String> values) {
    switch (e.reasonCode()) {
      case AMBIGUOUS_PAYMENT:
        {
          List<String> times = new ArrayList<>();
          JsonElement c = e.toProblem().extensions().get("candidates");
          if (c != null && c.isJsonArray()) {
            for (JsonElement el : c.getAsJsonArray()) {
              String local = el.getAsJsonObject().get("paid_at_local").getAsString();
              times.add(
                  TIME.format(java.time.OffsetDateTime.parse(local))
                      + " ("
                      + cm.merchant.timeZone().getId()
                      + ")");
            }
          }
          Map<String, String> errors = new LinkedHashMap<>();
          errors.put("trace", messages.get(lang, "error_code_ambiguous_trace"));
          return codeFormPage(
              409,
              request,
              lang,
              token,
              cm,
              browser,
              values,
              errors,
              messages.get(lang, "error_code_ambiguous", times.size()),
              times);
        }
      case TRACE_MISMATCH:
        return codeFormPage(
            422,
            request,
            lang,
            token,
            cm,
            browser,
            values,
            Map.of(),
            messages.get(lang, "error_code_trace_mismatch"),
            null);
      case LOOKUP_FAILED:
        return message(
                503,
                lang,
                request,
                "error_unavailable_title",
                messages.get(lang, "error_unavailable"),
                null,
                null)
            .withHeader("Retry-After", "1");
      case NO_MERCHANT:
      case NO_TOOL:
        return message(
            422,
            lang,
            request,
            "error_mcode_no_merchant_title",
            messages.get(lang, "error_mcode_no_merchant"),
            null,
            null);
      default:
        return codeFormPage(
            404,
            request,
            lang,
            token,
            cm,
            browser,
            values,
            Map.of(),
            messages.get(lang, "error_code_no_payment"),
            null);
    }
  }

  /** The page for a payment that can no longer be routed when its complaint form is filed. */
  private RouteResponse paymentProblem(ClearingException e, Lang lang, RouteRequest request) {
    if (e.reasonCode() == ClearingException.Reason.LOOKUP_FAILED) {
      return message(
              503,
              lang,
              request,
              "error_unavailable_title",
              messages.get(lang, "error_unavailable"),
              null,
              null)
          .withHeader("Retry-After", "1");
    }
    return message(
        e.reasonCode().status() >= 500 ? 422 : e.reasonCode().status(),
        lang,
        request,
        "error_code_no_payment_title",
        messages.get(lang, "error_code_no_payment"),
        null,
        null);
  }

  private static ReceiptSummary traceSummary(TraceRouter.Routed routed) {
    dev.fangxin.gateway.clearing.ClearingRecord r = routed.record();
    TransactionType type =
        r.processingCode().filter(p -> p.startsWith("20")).isPresent()
            ? TransactionType.TRANSACTION_TYPE_REFUND
            : TransactionType.TRANSACTION_TYPE_SALE;
    return ReceiptSummary.ofTrace(
        r.trace().value(),
        type,
        r.amount(),
        r.transactionTime(),
        routed.tool().id(),
        routed.merchant().id(),
        routed.merchant().name(),
        routed.merchant().timeZone());
  }

  /**
   * The complaint form's target for a payment found at a code. The hidden {@code payment} value
   * (trace, amount, date in the merchant's zone) is the CSRF token's subject with the code, so the
   * HMAC protects it: a changed value fails the token. The filing routes the trace again.
   */
  private static Target codeTarget(String token, ReceiptSummary found) {
    String payment =
        found.trace().orElseThrow()
            + "|"
            + found.amount().toDecimalString()
            + "|"
            + found.paidAtLocal().toLocalDate();
    return new Target(
        "/M/" + token + "/complaint", "code-complaint", token + "|" + payment, payment);
  }

  /** {@code POST /M/{token}/complaint}: files the complaint for the payment the form names. */
  private RouteResponse fileForCode(RouteRequest request, Lang headerLang) {
    String token = request.pathParam("token");
    CodeMerchant cm;
    try {
      cm = verifyCode(token);
    } catch (CodeRefusal e) {
      return tokenProblem(e.reason, headerLang, request);
    }
    Optional<String> browser = csrfCookie(request);
    FormData form;
    try {
      form =
          FormData.parse(
              request.header("content-type"),
              request.body(),
              CODE_COMPLAINT_FIELDS,
              Optional.of("photos"));
    } catch (PageException e) {
      return codeFormPage(
          400,
          request,
          headerLang,
          token,
          cm,
          browser,
          Map.of(),
          Map.of(),
          messages.get(headerLang, e.reasonCode().messageKey()),
          null);
    }
    Lang lang = lang(request, form.field("lang"));
    String payment = form.field("payment").orElse("");
    String[] parts = payment.split("\\|", -1);
    Optional<DurableTrace> trace = Optional.empty();
    Optional<Money> amount = Optional.empty();
    Optional<LocalDate> date = Optional.empty();
    if (parts.length == 3
        && csrf.verify(
            "code-complaint",
            token + "|" + payment,
            form.field("nonce"),
            browser,
            form.field("csrf"))) {
      try {
        trace = Optional.of(DurableTrace.parse(parts[0]));
      } catch (InvalidIdentifierException e) {
        trace = Optional.empty();
      }
      amount = parseAmount(parts[1]);
      date = parseDate(parts[2]);
    }
    if (trace.isEmpty() || amount.isEmpty() || date.isEmpty()) {
      return codeFormPage(
          403,
          request,
          lang,
          token,
          cm,
          browser,
          Map.of(),
          Map.of(),
          messages.get(lang, "error_csrf"),
          null);
    }
    ReceiptSummary found;
    try {
      found = traceSummary(code.traces.route(trace.get(), amount, date));
    } catch (ClearingException e) {
      return paymentProblem(e, lang, request);
    }
    DurableTrace t = trace.get();
    Money a = amount.get();
    LocalDate d = date.get();
    return complete(
        request,
        form,
        codeTarget(token, found),
        found,
        browser,
        details -> ComplaintRequest.fromJson(tracedJson(t, a, d, details)));
  }

  private static byte[] tracedJson(
      DurableTrace trace, Money amount, LocalDate date, ComplaintDetails details) {
    JsonObject o = new JsonObject();
    o.addProperty("trace", trace.value());
    JsonObject m = new JsonObject();
    m.addProperty("value", amount.toDecimalString());
    m.addProperty("currency", amount.currencyCode());
    o.add("amount", m);
    o.addProperty("paid_on", date.toString());
    o.addProperty("category", CaseCodes.category(details.category()));
    o.addProperty("desired_outcome", CaseCodes.outcome(details.desiredOutcome()));
    o.addProperty("description", details.description());
    details
        .contactPhone()
        .ifPresent(
            p -> {
              JsonObject c = new JsonObject();
              c.addProperty("phone", p);
              o.add("contact", c);
            });
    return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static Optional<LocalDate> parseDate(String s) {
    if (!DATE.matcher(s).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(s));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<LocalTime> parseTime(String s) {
    if (!CLOCK.matcher(s).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalTime.parse(s));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<Money> parseAmount(String s) {
    String v = s.replace(",", "").replace("¥", "").replace("￥", "").strip();
    if (!AMOUNT.matcher(v).matches()) {
      return Optional.empty();
    }
    try {
      Money m = Money.parse(v.contains(".") ? v : v + ".00", Money.CNY);
      return m.minorUnits() > 0 ? Optional.of(m) : Optional.empty();
    } catch (MoneyException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  // ------------------------------------------------------------------ case pages

  private RouteResponse track(RouteRequest request, Lang lang) {
    String id = request.pathParam("id");
    String secret = request.pathParam("secret");
    Optional<StoredCase> c =
        !Csrf.VALUE.matcher(secret).matches() || id.length() > 64
            ? Optional.empty()
            : cases.find(id).filter(found -> found.acceptsSecret(secret));
    if (c.isEmpty()) {
      return caseNotFound(lang, request);
    }
    return redirect("/C/" + id + "?lang=" + lang.tag())
        .withHeader("Set-Cookie", setCookie(CASE_COOKIE, secret, "/C/" + id));
  }

  private RouteResponse caseNotFound(Lang lang, RouteRequest request) {
    return message(
        404,
        lang,
        request,
        "error_not_found_title",
        messages.get(lang, "error_case_access"),
        null,
        null);
  }

  private Optional<StoredCase> ownCase(RouteRequest request) {
    String id = request.pathParam("id");
    Optional<String> secret =
        cookie(request, CASE_COOKIE).filter(v -> Csrf.VALUE.matcher(v).matches());
    if (secret.isEmpty() || id.length() > 64) {
      return Optional.empty();
    }
    return cases.find(id).filter(c -> c.acceptsSecret(secret.get()));
  }

  private RouteResponse status(RouteRequest request, Lang lang) {
    Optional<StoredCase> c = ownCase(request);
    if (c.isEmpty()) {
      return caseNotFound(lang, request);
    }
    Optional<String> browser = csrfCookie(request);
    String notice =
        query(request, "done")
            .filter(Set.of("accept", "decline", "escalate")::contains)
            .map(d -> messages.get(lang, "case_done_" + d))
            .orElse(null);
    return casePage(200, request, lang, c.get(), browser, null, notice);
  }

  private RouteResponse casePage(
      int status,
      RouteRequest request,
      Lang lang,
      StoredCase c,
      Optional<String> browser,
      String banner,
      String notice) {
    String browserValue = browser.orElseGet(csrf::newBrowserValue);
    ReceiptSummary r = c.receipt();
    CaseState state = c.record().state();
    String code = CaseCodes.state(state);
    Map<String, Object> s = scope(lang, request, "case_title");
    s.put("caseId", c.id());
    s.put("stateCode", code);
    s.put("state", messages.get(lang, "state_" + code));
    s.put("stateExplained", messages.get(lang, "explain_" + code));
    s.put("deadline", local(c.record().merchantDeadline(), r.timeZone()));
    s.put(
        "category", messages.get(lang, "category_" + CaseCodes.category(c.complaint().category())));
    s.put(
        "outcome",
        messages.get(lang, "outcome_" + CaseCodes.outcome(c.complaint().desiredOutcome())));
    s.put("description", c.complaint().description());
    s.put("photoCount", photos.count(c.id()));
    s.put("receipt", receipt(r, lang));
    if (c.record().lastResponseKind().isPresent()) {
      Map<String, Object> a = new HashMap<>();
      a.put(
          "kind",
          messages.get(lang, "kind_" + CaseCodes.kind(c.record().lastResponseKind().get())));
      c.responseAmount().ifPresent(m -> a.put("amount", money(m)));
      c.record().lastResponseMessage().ifPresent(m -> a.put("message", m));
      s.put("answer", a);
    }
    List<Map<String, Object>> timeline = new ArrayList<>();
    Map<String, Object> opened = new HashMap<>();
    opened.put("at", local(c.record().createdAt(), r.timeZone()));
    opened.put(
        "text",
        messages.get(
            lang,
            "timeline_entry",
            messages.get(lang, "actor_consumer"),
            messages.get(lang, "timeline_filed")));
    timeline.add(opened);
    for (Transition t : c.record().transitions()) {
      Map<String, Object> m = new HashMap<>();
      m.put("at", local(t.at(), r.timeZone()));
      m.put(
          "text",
          messages.get(
              lang,
              "timeline_entry",
              messages.get(lang, "actor_" + actor(t.actor())),
              messages.get(lang, "state_" + CaseCodes.state(t.to()))));
      timeline.add(m);
    }
    s.put("timeline", timeline);
    boolean open =
        state != CaseState.CASE_STATE_RESOLVED && state != CaseState.CASE_STATE_ESCALATED;
    if (open) {
      List<Map<String, Object>> buttons = new ArrayList<>();
      if (state == CaseState.CASE_STATE_ANSWERED) {
        buttons.add(button(lang, c.id(), browserValue, "accept", ""));
        buttons.add(button(lang, c.id(), browserValue, "decline", "quiet"));
      }
      buttons.add(button(lang, c.id(), browserValue, "escalate", "warn"));
      s.put("actions", Map.of("buttons", buttons));
    }
    if (banner != null) {
      s.put("banner", banner);
    }
    if (notice != null) {
      s.put("notice", notice);
    }
    RouteResponse res = html(status, "case", s);
    if (browser.isEmpty()) {
      res = res.withHeader("Set-Cookie", setCookie(CSRF_COOKIE, browserValue, "/"));
    }
    return res;
  }

  private static String actor(Actor a) {
    return a.kind().name().toLowerCase(Locale.ROOT);
  }

  private Map<String, Object> button(
      Lang lang, String caseId, String browserValue, String action, String style) {
    String nonce = csrf.newBrowserValue();
    Map<String, Object> m = new HashMap<>();
    m.put("action", "/C/" + caseId + "/" + action);
    m.put("nonce", nonce);
    m.put("csrf", csrf.token("case:" + action, caseId, nonce, browserValue));
    m.put("lang", lang.tag());
    m.put("id", action);
    m.put("style", style);
    m.put("label", messages.get(lang, "case_" + action));
    m.put("hint", messages.get(lang, "case_" + action + "_hint"));
    return m;
  }

  private RouteResponse act(RouteRequest request, Lang headerLang) {
    String action = request.pathParam("action");
    if (!Set.of("accept", "decline", "escalate").contains(action)) {
      return message(
          404,
          headerLang,
          request,
          "error_not_found_title",
          messages.get(headerLang, "error_not_allowed"),
          null,
          null);
    }
    Optional<StoredCase> c = ownCase(request);
    if (c.isEmpty()) {
      return caseNotFound(headerLang, request);
    }
    Optional<String> browser = csrfCookie(request);
    FormData form;
    try {
      form =
          FormData.parse(
              request.header("content-type"), request.body(), ACTION_FIELDS, Optional.empty());
    } catch (PageException e) {
      return casePage(
          400,
          request,
          headerLang,
          c.get(),
          browser,
          messages.get(headerLang, e.reasonCode().messageKey()),
          null);
    }
    Lang lang = lang(request, form.field("lang"));
    String id = c.get().id();
    if (!csrf.verify("case:" + action, id, form.field("nonce"), browser, form.field("csrf"))) {
      return casePage(403, request, lang, c.get(), browser, messages.get(lang, "error_csrf"), null);
    }
    try {
      switch (action) {
        case "accept":
          cases.confirm(id, "consumer accepted the answer on the status page");
          break;
        case "decline":
          cases.decline(id, "consumer declined the answer on the status page");
          break;
        default:
          cases.escalate(id, "consumer asked for the regulator on the status page");
      }
    } catch (CaseTransitionException e) {
      String key;
      switch (e.reasonCode()) {
        case FINAL_STATE:
          key = "error_final_state";
          break;
        case DEADLINE_NOT_PASSED:
          key = "error_deadline_not_passed";
          break;
        default:
          key = "error_illegal_transition";
      }
      StoredCase now = cases.find(id).orElse(c.get());
      return casePage(409, request, lang, now, browser, messages.get(lang, key), null);
    } catch (CaseException e) {
      if (e.reasonCode() != CaseException.Reason.CONCURRENT_UPDATE) {
        throw e;
      }
      StoredCase now = cases.find(id).orElse(c.get());
      return casePage(
          409, request, lang, now, browser, messages.get(lang, "error_concurrent"), null);
    }
    return redirect("/C/" + id + "?lang=" + lang.tag() + "&done=" + action);
  }

  // ------------------------------------------------------------------ photos for merchants

  private StoredCase visibleCase(RouteRequest request) {
    Principal p = guard.require(request, Role.MERCHANT, Role.OPERATOR);
    try {
      return cases
          .find(request.pathParam("id"))
          .filter(c -> p.mayActFor(c.merchantId()))
          .orElseThrow(ConsumerPages::caseNotFoundProblem);
    } catch (StoreException e) {
      throw unavailable(e);
    }
  }

  private static ProblemException caseNotFoundProblem() {
    return ProblemException.of("case.not_found", 404, "No such case.");
  }

  private static ProblemException unavailable(StoreException e) {
    LOG.log(Level.WARNING, "store failed: " + e.reason(), e);
    return ProblemException.of(
            "store.unavailable", 503, "The case store is unavailable; retry in a moment.")
        .withHeader("Retry-After", "1");
  }

  private RouteResponse photoList(RouteRequest request) {
    StoredCase c = visibleCase(request);
    JsonArray list = new JsonArray();
    try {
      int count = photos.count(c.id());
      for (int n = 1; n <= count; n++) {
        Photos.Photo p = photos.find(c.id(), n).orElseThrow();
        JsonObject o = new JsonObject();
        o.addProperty("n", n);
        o.addProperty("media_type", p.mediaType());
        o.addProperty("width", p.width());
        o.addProperty("height", p.height());
        o.addProperty("bytes", p.content().length);
        o.addProperty("url", "/v1/cases/" + c.id() + "/photos/" + n);
        list.add(o);
      }
    } catch (StoreException e) {
      throw unavailable(e);
    }
    JsonObject body = new JsonObject();
    body.add("photos", list);
    return RouteResponse.json(200, body.toString());
  }

  private RouteResponse photo(RouteRequest request) {
    StoredCase c = visibleCase(request);
    String n = request.pathParam("n");
    int number = n.matches("[1-9][0-9]{0,2}") ? Integer.parseInt(n) : -1;
    Optional<Photos.Photo> p;
    try {
      p = number < 1 ? Optional.empty() : photos.find(c.id(), number);
    } catch (StoreException e) {
      throw unavailable(e);
    }
    if (p.isEmpty()) {
      throw ProblemException.of(
          "case.photo_not_found",
          404,
          "The case has no such photo; photos are numbered from 1 (GET /v1/cases/{id}/photos"
              + " lists them).");
    }
    return RouteResponse.of(200, p.get().mediaType(), p.get().content())
        .withHeader("Content-Security-Policy", "default-src 'none'; sandbox")
        .withHeader("Content-Disposition", "inline; filename=\"photo-" + number + "\"");
  }
}
