package dev.fangxin.cli;

import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.qr.QrImageDecoder;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.TokenException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verifies a dispute link or a receipt's QR image.",
      "Reads the link (given as text, or decoded from a QR image), prints what it claims, and",
      "verifies its signature with a terminal's public key.",
      "Exit status 0 when valid, 1 when the link is forged, altered or malformed, 2 when the",
      "input or the key cannot be read."
    },
    footer = {
      "",
      "Examples:",
      "  fangxin verify --public-key terminal.pub.pem receipts/receipt-1.png",
      "  fangxin verify --public-key terminal.pub.pem 'HTTPS://FX.EXAMPLE.CN/D/BIMQ...'"
    })
final class VerifyCommand implements Callable<Integer> {
  private static final long MAX_KEY_FILE = 16 * 1024;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "INPUT",
      description = "A dispute link (http:// or https://...) or a QR image (PNG, JPEG, GIF, BMP).")
  String input;

  @Option(
      names = "--public-key",
      required = true,
      paramLabel = "FILE",
      description = "The terminal's public key as PEM ('fangxin keygen' wrote it).")
  Path publicKey;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    TerminalPublicKey key = readKey();
    String link = readLink();
    out.printf("Dispute link: %s%n", link);
    DisputeLink parsed;
    try {
      parsed = DisputeLink.parse(link);
    } catch (TokenException e) {
      return invalid(out, e);
    }
    DisputeClaim claim = parsed.token().claim();
    out.printf("Base:         %s%n", parsed.base());
    out.printf("Key ID:       %s%n", claim.keyId());
    out.printf("Sequence:     %d%n", claim.sequence());
    out.printf("Type:         %s%n", claim.type().name().replace("TRANSACTION_TYPE_", ""));
    out.printf("Amount:       %s%n", claim.amount());
    out.printf("Issued at:    %s%n", claim.issuedAt());
    try {
      parsed.token().verify(key);
    } catch (TokenException e) {
      return invalid(out, e);
    }
    out.printf("Signature:    valid (%s, key %s)%n", key.algorithm(), key.keyId());
    out.println("VERDICT: VALID");
    return 0;
  }

  private static int invalid(PrintWriter out, TokenException e) {
    out.printf("VERDICT: INVALID [%s] %s%n", e.reason(), e.getMessage());
    return Main.VERIFICATION_FAILED;
  }

  private TerminalPublicKey readKey() throws java.io.IOException {
    if (!Files.isRegularFile(publicKey)) {
      throw new UserException("no such public key file: " + publicKey);
    }
    if (Files.size(publicKey) > MAX_KEY_FILE) {
      throw new UserException("the public key file is too large to be a PEM public key");
    }
    return TerminalPublicKey.fromPem(Files.readString(publicKey, StandardCharsets.US_ASCII));
  }

  private String readLink() {
    String lower = input.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return input;
    }
    Path image = Path.of(input);
    if (!Files.isRegularFile(image)) {
      throw new UserException(
          "INPUT is neither a link (http:// or https://) nor an existing image file: " + input);
    }
    return QrImageDecoder.decode(image);
  }
}
