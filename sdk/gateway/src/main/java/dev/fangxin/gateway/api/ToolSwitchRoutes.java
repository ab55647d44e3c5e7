package dev.fangxin.gateway.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.endpoint.EndpointException;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.http.JsonBody;
import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteHandler;
import dev.fangxin.gateway.http.RouteRequest;
import dev.fangxin.gateway.http.RouteResponse;
import dev.fangxin.gateway.registry.Binding;
import dev.fangxin.gateway.registry.Merchant;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.registry.RegistryException;
import dev.fangxin.gateway.registry.ToolSwitch;
import dev.fangxin.gateway.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Switching a merchant's payment tool in one step, and the merchant's binding history.
 *
 * <ul>
 *   <li>{@code POST /v1/merchants/{id}/tool-switches} {@code {from_tool_id, to_tool_id | (to_kind,
 *       to_acquirer, to_merchant_number, to_terminal_id | to_kind, to_code_id), at?,
 *       endpoint_url?}}: in one transaction closes the merchant's open binding of the old tool at
 *       {@code at} (default now), registers the new tool if it is given by its natural key and not
 *       registered yet, opens the merchant's binding of the new tool from {@code at}, and, with
 *       {@code endpoint_url}, moves the merchant's webhook endpoint there (creating it, with its
 *       first secret shown once, if it had none). 201 when made, 200 when the same switch had
 *       already been made. Nothing is half-applied: every refusal rolls back the transaction.
 *   <li>{@code GET /v1/merchants/{id}/bindings}: every binding that ever held a tool for the
 *       merchant, oldest first.
 * </ul>
 *
 * <p><b>Who may call.</b> The switch: an operator, for any merchant and tools; an acquirer, when
 * the new tool is a card terminal of its own institution and without {@code endpoint_url} (an
 * acquirer onboarding a merchant that moves to it; the endpoint belongs to the merchant); never a
 * merchant (it may not bind tools, since binding a tool it does not hold would draw other
 * merchants' complaints; it moves its own endpoint with {@code PUT /v1/merchants/{id}/endpoint})
 * nor a wallet partner (403). The history: an operator; the merchant itself; an acquirer sees the
 * bindings of its own institution's terminals only.
 *
 * <p>Problems: 401/403 as every registry route; 415/400/422 {@code request.*} for the body; 404
 * {@code registry.unknown_merchant}, {@code registry.unknown_tool} (the old tool, or a new tool
 * named by ID that is not registered); 409 {@code registry.not_bound} (the old tool is not bound to
 * this merchant now), {@code registry.bad_interval} ({@code at} not after the old binding's start;
 * the new tool bound until after {@code at}, or already bound to this merchant), {@code
 * registry.bound_elsewhere} (the new tool is bound to another merchant). Thread-safe.
 */
public final class ToolSwitchRoutes {
  private static final Gson GSON = new GsonBuilder().serializeNulls().create();
  private static final Set<String> FIELDS =
      Set.of(
          "from_tool_id",
          "to_tool_id",
          "to_kind",
          "to_acquirer",
          "to_merchant_number",
          "to_terminal_id",
          "to_code_id",
          "at",
          "endpoint_url");

  private final Registry registry;
  private final Endpoints endpoints;
  private final Guard guard;
  private final Clock clock;

  private ToolSwitchRoutes(Registry registry, Endpoints endpoints, Guard guard, Clock clock) {
    this.registry = registry;
    this.endpoints = endpoints;
    this.guard = guard;
    this.clock = clock;
  }

  /**
   * The two routes.
   *
   * @param registry merchants, tools and bindings
   * @param endpoints the merchants' webhook endpoints, on the same store as {@code registry}
   * @param guard authenticates callers
   * @param clock the default {@code at} ("now")
   */
  public static List<Route> routes(
      Registry registry, Endpoints endpoints, Guard guard, Clock clock) {
    ToolSwitchRoutes r =
        new ToolSwitchRoutes(
            Objects.requireNonNull(registry, "registry == null"),
            Objects.requireNonNull(endpoints, "endpoints == null"),
            Objects.requireNonNull(guard, "guard == null"),
            Objects.requireNonNull(clock, "clock == null"));
    return List.of(
        route("POST", "/v1/merchants/{id}/tool-switches", r::switchTool),
        route("GET", "/v1/merchants/{id}/bindings", r::bindings));
  }

  private static Route route(String method, String pattern, RouteHandler handler) {
    RouteHandler wrapped =
        request -> {
          try {
            return handler.handle(request);
          } catch (RegistryException e) {
            throw RegistryRoutes.problem(e, "");
          } catch (EndpointException e) {
            throw JsonBody.invalidField("endpoint_url", e.getMessage());
          } catch (StoreException e) {
            throw new IllegalStateException("The store failed: " + e.reason(), e);
          }
        };
    return Route.of(method, pattern, wrapped).withErrorStatus(422);
  }

  private RouteResponse switchTool(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.ACQUIRER);
    JsonBody body = JsonBody.parse(request, FIELDS);
    String from = body.string("from_tool_id", true, 64);
    String toId = body.string("to_tool_id", false, 64);
    Instant at = body.time("at", false);
    String url = body.string("endpoint_url", false, Endpoints.MAX_URL);
    PaymentTool spec = newToolSpec(body, toId != null);
    if (toId == null && spec == null && !body.hasErrors()) {
      body.error(
          "to_tool_id", "Required: name the new tool by to_tool_id or by to_kind and its key.");
    }
    if (url != null) {
      try {
        Endpoints.checkUrl(url);
      } catch (EndpointException e) {
        body.error("endpoint_url", e.getMessage());
      }
    }
    if (from != null && from.equals(toId != null ? toId : spec == null ? null : spec.id())) {
      body.error("to_tool_id", "The new tool is the old tool; name another tool to switch to.");
    }
    body.finish();
    if (p.role() == Role.ACQUIRER) {
      if (url != null) {
        throw ProblemException.of(
            "auth.forbidden",
            403,
            "An acquirer may not move a merchant's endpoint; leave endpoint_url out.");
      }
    }
    String merchantId = request.pathParam("id");
    Optional<Merchant> merchant = registry.merchant(merchantId);
    if (merchant.isEmpty()) {
      throw RegistryRoutes.unknownMerchant(merchantId);
    }
    PaymentTool to;
    if (toId != null) {
      to = registry.tool(toId).orElseThrow(() -> RegistryRoutes.unknownTool(toId));
    } else {
      to = spec;
    }
    if (p.role() == Role.ACQUIRER
        && !(to.kind() == PaymentTool.Kind.CARD_TERMINAL
            && to.acquirer().map(InstitutionCode::value).equals(p.institutionCode()))) {
      throw ProblemException.of(
          "auth.forbidden",
          403,
          "An acquirer may switch a merchant only to a card terminal of its own institution ("
              + p.institutionCode().orElseThrow()
              + ").");
    }
    if (registry.tool(from).isEmpty()) {
      throw RegistryRoutes.unknownTool(from);
    }
    Instant when = at == null ? Instant.ofEpochSecond(clock.instant().getEpochSecond()) : at;
    String id = merchant.get().id();
    Result result =
        registry
            .store()
            .inTransaction(
                tx -> {
                  ToolSwitch s = registry.switchTool(tx, id, from, to, when);
                  Endpoints.Setup setup =
                      url == null ? null : endpoints.put(tx, id, url, Endpoints.V1a.KEEP);
                  return new Result(s, setup);
                });
    JsonObject o = new JsonObject();
    o.addProperty("merchant_id", id);
    o.addProperty("from_tool_id", from);
    o.addProperty("to_tool_id", to.id());
    RegistryRoutes.time(o, "at", result.toolSwitch.at());
    o.add("closed", RegistryRoutes.bindingJson(result.toolSwitch.closed()));
    o.add("opened", RegistryRoutes.bindingJson(result.toolSwitch.opened()));
    o.addProperty("tool_registered", result.toolSwitch.toolRegistered());
    if (result.endpoint == null) {
      o.add("endpoint", JsonNull.INSTANCE);
    } else {
      JsonObject e = new JsonObject();
      e.addProperty("url", result.endpoint.endpoint().url().toString());
      e.addProperty("created", result.endpoint.created());
      result.endpoint.newSecret().ifPresent(s -> e.addProperty("secret", s.encoded()));
      o.add("endpoint", e);
    }
    return RouteResponse.json(result.toolSwitch.replayed() ? 200 : 201, GSON.toJson(o));
  }

  /** The new tool given by its natural key ({@code to_kind} and its fields), or null. */
  private static PaymentTool newToolSpec(JsonBody body, boolean byId) {
    String kind = body.string("to_kind", false, 32);
    String acquirer = body.string("to_acquirer", false, 32);
    String mid = body.string("to_merchant_number", false, 32);
    String tid = body.string("to_terminal_id", false, 32);
    String code = body.string("to_code_id", false, 64);
    boolean any = kind != null || acquirer != null || mid != null || tid != null || code != null;
    if (byId) {
      if (any) {
        body.error(
            "to_tool_id",
            "Give either to_tool_id (a registered tool) or to_kind and its key, not both.");
      }
      return null;
    }
    if (!any) {
      return null;
    }
    if ("card_terminal".equals(kind)) {
      if (code != null) {
        body.error("to_code_id", "A card terminal has no code.");
      }
      if (acquirer == null) {
        body.error("to_acquirer", "Required for a card terminal.");
      }
      if (mid == null) {
        body.error("to_merchant_number", "Required for a card terminal.");
      }
      if (tid == null) {
        body.error("to_terminal_id", "Required for a card terminal.");
      }
      InstitutionCode a =
          RegistryRoutes.id(body, "to_acquirer", acquirer, () -> InstitutionCode.of(acquirer));
      MerchantNumber n =
          RegistryRoutes.id(body, "to_merchant_number", mid, () -> MerchantNumber.of(mid));
      TerminalId t = RegistryRoutes.id(body, "to_terminal_id", tid, () -> TerminalId.of(tid));
      return a == null || n == null || t == null ? null : PaymentTool.cardTerminal(a, n, t);
    }
    if ("collection_code".equals(kind)) {
      for (String[] f :
          new String[][] {
            {"to_acquirer", acquirer}, {"to_merchant_number", mid}, {"to_terminal_id", tid}
          }) {
        if (f[1] != null) {
          body.error(f[0], "A collection code has no " + f[0].substring(3) + ".");
        }
      }
      if (code == null) {
        body.error("to_code_id", "Required for a collection code.");
        return null;
      }
      try {
        return PaymentTool.collectionCode(code);
      } catch (RegistryException e) {
        body.error("to_code_id", e.getMessage());
        return null;
      }
    }
    body.error("to_kind", "Expected \"card_terminal\" or \"collection_code\".");
    return null;
  }

  private RouteResponse bindings(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.ACQUIRER, Role.MERCHANT);
    String merchantId = request.pathParam("id");
    Optional<Merchant> merchant = registry.merchant(merchantId);
    if (merchant.isEmpty() || (p.role() == Role.MERCHANT && !p.mayActFor(merchant.get().id()))) {
      throw RegistryRoutes.unknownMerchant(merchantId);
    }
    JsonArray list = new JsonArray();
    for (Binding b : registry.bindingsOf(merchant.get().id())) {
      if (p.role() == Role.ACQUIRER) {
        Optional<PaymentTool> tool = registry.tool(b.toolId());
        if (tool.isEmpty()
            || !tool.get().acquirer().map(InstitutionCode::value).equals(p.institutionCode())) {
          continue;
        }
      }
      list.add(RegistryRoutes.bindingJson(b));
    }
    JsonObject o = new JsonObject();
    o.addProperty("merchant_id", merchant.get().id());
    o.add("bindings", list);
    return RouteResponse.json(200, GSON.toJson(o));
  }

  private static final class Result {
    final ToolSwitch toolSwitch;
    final Endpoints.Setup endpoint;

    Result(ToolSwitch toolSwitch, Endpoints.Setup endpoint) {
      this.toolSwitch = toolSwitch;
      this.endpoint = endpoint;
    }
  }
}
