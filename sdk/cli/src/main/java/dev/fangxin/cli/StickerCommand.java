package dev.fangxin.cli;

import dev.fangxin.core.code.MerchantCode;
import dev.fangxin.core.code.MerchantCodeClaim;
import dev.fangxin.core.code.MerchantLink;
import dev.fangxin.core.identity.TerminalIdentity;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.qr.QrImageDecoder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fangxin sticker}: the merchant's reassured-consumption (放心消费) collection code. Signs a
 * {@link MerchantCode} with the collection code's own key (a {@link TerminalIdentity}, registered
 * at the gateway against the collection-code payment tool) and renders the sticker as PNG, SVG and
 * an A6 PDF; the QR of the PNG is read back and verified before the command reports success.
 */
@Command(
    name = "sticker",
    mixinStandardHelpOptions = true,
    description = {
      "Renders a merchant's 放心消费 (reassured consumption) collection code: the merchant's",
      "name, the brand, the six commitments (safety, quality, measurement, price, service,",
      "redress) and a QR code holding a signed /M/ link, as PNG (300 dpi), SVG and a print-ready",
      "A6 PDF. The code is signed with the collection code's own key (a PKCS#12 identity, as",
      "'fangxin keygen' writes); --create makes a new one and prints its public key to register",
      "with POST /v1/terminal-keys against the collection-code tool (cc:<code id>).",
      "Fonts are never downloaded: an installed CJK font (Debian: fonts-droid-fallback) and",
      "Latin font are used, or --font FILE."
    },
    footer = {
      "",
      "Examples:",
      "  fangxin sticker --merchant-name '放心小馆 Fangxin Bistro' --identity code.p12 --create \\",
      "      --password-file pw.txt --base https://fx.example.cn --out sticker",
      "  fangxin sticker --merchant-name 'Tea House' --identity code.p12 --password-env FX_PW \\",
      "      --base https://fx.example.cn --formats pdf --font /path/NotoSansCJK-Regular.ttc"
    })
final class StickerCommand implements Callable<Integer> {
  /** The files a sticker can be written as. */
  enum Format {
    PNG,
    SVG,
    PDF
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--merchant-name",
      required = true,
      paramLabel = "NAME",
      description = "The merchant's name as printed (at most 40 characters).")
  String merchantName;

  @Option(
      names = "--identity",
      required = true,
      paramLabel = "FILE",
      description = "The collection code's PKCS#12 identity (its signing key).")
  Path identity;

  @Option(names = "--create", description = "Create the identity first (it must not exist yet).")
  boolean create;

  @Option(
      names = "--algorithm",
      paramLabel = "ALG",
      defaultValue = "sm2",
      description = "Key algorithm with --create: sm2 (default), p256 or ed25519.")
  String algorithm;

  @Option(
      names = "--base",
      paramLabel = "URL",
      defaultValue = "https://fx.example.cn",
      description = "Base of the /M/ link: the gateway's public URL (default: ${DEFAULT-VALUE}).")
  String base;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "sticker",
      description = "Folder for sticker.png, sticker.svg, sticker.pdf (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--formats",
      paramLabel = "LIST",
      split = ",",
      defaultValue = "png,svg,pdf",
      description = "Which files to write, comma-separated (default: ${DEFAULT-VALUE}).")
  List<String> formats;

  @Option(
      names = "--font",
      paramLabel = "FILE",
      description =
          "A TrueType/OpenType font file to draw with instead of the installed ones; repeat to"
              + " combine (tried in order for each character).")
  List<Path> fonts = new ArrayList<>();

  @Mixin PasswordOptions passwords;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    Set<Format> wanted = parseFormats(formats);
    TerminalIdentity id;
    if (create) {
      if (Files.exists(identity)) {
        throw new UserException(identity + " already exists; drop --create to use it");
      }
      id =
          TerminalIdentity.create(
              identity,
              passwords.password(true),
              SignatureAlgorithm.parse(algorithm),
              "collection-code");
    } else {
      id = TerminalIdentity.load(identity, passwords.password(false));
    }
    try (id) {
      TerminalKeyPair key = id.current();
      if (create) {
        Path pub = KeygenCommand.sibling(identity, ".pub.pem");
        Files.writeString(pub, key.publicKey().toPem(), StandardCharsets.US_ASCII);
        o.printf(
            "Created %s with key %s (%s); public key in %s.%n",
            identity, key.keyId(), key.algorithm(), pub);
        o.println(
            "Register it for the collection-code tool (POST /v1/tools {\"kind\":"
                + " \"collection_code\", \"code_id\": …}, then POST /v1/terminal-keys {\"tool_id\":"
                + " \"cc:<code id>\", \"public_key_pem\": …}):");
        o.print(key.publicKey().toPem());
      }
      Written written = write(merchantName, key, base, out, wanted, fonts, Instant.now());
      o.printf("Signed a collection code with key %s: %s%n", key.keyId(), written.link());
      o.printf(
          "QR version %d at level Q, %.1f mm wide in the PDF; drawn with %s.%n",
          written.sticker().qrVersion(), written.sticker().qrSymbolMm(), written.font());
      for (Path f : written.files()) {
        o.printf("Wrote %s%n", f);
      }
      return 0;
    }
  }

  /** What {@link #write} produced. */
  record Written(String link, Sticker sticker, StickerFont font, List<Path> files) {}

  /**
   * Signs a collection code with {@code key} issued at {@code issuedAt}, renders the sticker of
   * {@code merchantName} into {@code out} in {@code formats}, and when a PNG is written reads its
   * QR back and verifies it against the key.
   *
   * @throws UserException if no font can draw the sticker, or the name is not printable
   * @throws IllegalStateException if the PNG's QR does not read back to a code that verifies
   */
  static Written write(
      String merchantName,
      TerminalKeyPair key,
      String base,
      Path out,
      Set<Format> formats,
      List<Path> fonts,
      Instant issuedAt)
      throws java.io.IOException {
    MerchantCode code = MerchantCode.sign(MerchantCodeClaim.of(key.keyId(), issuedAt), key);
    String link = MerchantLink.of(base, code).toString();
    StickerFont font = StickerFont.find(fonts, Sticker.printedText(merchantName, link));
    Sticker sticker;
    try {
      sticker = Sticker.of(merchantName, link, font);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    Files.createDirectories(out);
    List<Path> written = new ArrayList<>();
    if (formats.contains(Format.PNG)) {
      Path png = out.resolve("sticker.png");
      Files.write(png, sticker.toPng());
      String scanned = QrImageDecoder.decode(png);
      MerchantLink read = MerchantLink.parse(scanned);
      read.code().verify(key.publicKey());
      if (!scanned.equals(link)) {
        throw new IllegalStateException("the sticker's QR reads " + scanned + ", not " + link);
      }
      written.add(png);
    }
    if (formats.contains(Format.SVG)) {
      Path svg = out.resolve("sticker.svg");
      Files.writeString(svg, sticker.toSvg(), StandardCharsets.UTF_8);
      written.add(svg);
    }
    if (formats.contains(Format.PDF)) {
      Path pdf = out.resolve("sticker.pdf");
      Files.write(pdf, sticker.toPdf());
      written.add(pdf);
    }
    return new Written(link, sticker, font, written);
  }

  private static Set<Format> parseFormats(List<String> names) {
    Set<Format> set = EnumSet.noneOf(Format.class);
    for (String n : names) {
      try {
        set.add(Format.valueOf(n.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new UserException("--formats: unknown format '" + n + "'; use png, svg and/or pdf");
      }
    }
    return set;
  }
}
