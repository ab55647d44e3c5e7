package dev.fangxin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fangxin command as a user runs it: exit statuses, files written, and what it prints. */
class CliTest {
  @TempDir Path dir;

  record Result(int status, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    Result r = new Result(status, out.toString(), err.toString());
    // Never a stack trace for the user.
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception:");
    return r;
  }

  Path passwordFile() throws IOException {
    Path p = dir.resolve("pw.txt");
    Files.writeString(p, "correct horse battery staple\n");
    return p;
  }

  Path saleJson() throws IOException {
    Path p = dir.resolve("sale.json");
    Files.writeString(
        p,
        com.google.protobuf.util.JsonFormat.printer()
            .print(DemoCommand.sampleSale(Instant.ofEpochSecond(1_795_939_200L))),
        StandardCharsets.UTF_8);
    return p;
  }

  Path keygen(String algorithm) throws IOException {
    Path identity = dir.resolve(algorithm + ".p12");
    Result r =
        run(
            "keygen",
            "--identity",
            identity.toString(),
            "--algorithm",
            algorithm,
            "--password-file",
            passwordFile().toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("Created " + identity);
    return identity;
  }

  Result sign(Path identity, Path out) throws IOException {
    return run(
        "sign",
        "--identity",
        identity.toString(),
        "--password-file",
        passwordFile().toString(),
        "--base",
        "https://fx.example.cn/hz",
        "--out",
        out.toString(),
        saleJson().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sm2", "p256", "ed25519"})
  void keygenSignVerify(String algorithm) throws Exception {
    Path identity = keygen(algorithm);
    Path pub = dir.resolve(algorithm + ".pub.pem");
    assertThat(pub).exists();
    Path out = dir.resolve("out-" + algorithm);
    Result signed = sign(identity, out);
    assertThat(signed.status()).as(signed.err()).isZero();
    assertThat(signed.out()).contains("Signed receipt 1").contains("version 7, level M");
    Path png = out.resolve("receipt-1.png");
    assertThat(png).exists();
    assertThat(out.resolve("receipt-1.json")).exists();
    assertThat(dir.resolve(algorithm + ".journal")).exists();

    Result verified = run("verify", "--public-key", pub.toString(), png.toString());
    assertThat(verified.status()).as(verified.out() + verified.err()).isZero();
    assertThat(verified.out())
        .contains("Sequence:     1")
        .contains("Amount:       CNY 128.00")
        .contains("Type:         SALE")
        .contains("VERDICT: VALID");

    String link = json(out.resolve("receipt-1.json")).get("dispute_link").getAsString();
    assertThat(run("verify", "--public-key", pub.toString(), link).status()).isZero();
    assertThat(run("verify", "--public-key", pub.toString(), link.toLowerCase()).status()).isZero();

    Result journal =
        run(
            "journal",
            "verify",
            "--public-key",
            pub.toString(),
            dir.resolve(algorithm + ".journal").toString());
    assertThat(journal.status()).as(journal.out()).isZero();
    assertThat(journal.out()).contains("1 receipts, 0 findings").contains("VERDICT: VALID");
  }

  @Test
  void verifyFailsForAnAlteredLinkAndAnotherKey() throws Exception {
    Path identity = keygen("sm2");
    sign(identity, dir.resolve("out"));
    String link = json(dir.resolve("out/receipt-1.json")).get("dispute_link").getAsString();
    int at = link.length() - 30;
    String altered =
        link.substring(0, at) + (link.charAt(at) == 'Q' ? 'R' : 'Q') + link.substring(at + 1);
    Result bad = run("verify", "--public-key", dir.resolve("sm2.pub.pem").toString(), altered);
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.out()).contains("VERDICT: INVALID [token.");

    Path other = keygen("p256");
    Result wrongKey = run("verify", "--public-key", dir.resolve("p256.pub.pem").toString(), link);
    assertThat(wrongKey.status()).isEqualTo(1);
    assertThat(wrongKey.out()).contains("VERDICT: INVALID [token.key_mismatch]");
    assertThat(other).exists();
  }

  @Test
  void rotateAndCsr() throws Exception {
    Path identity = keygen("sm2");
    Result rotated =
        run(
            "keygen",
            "--identity",
            identity.toString(),
            "--rotate",
            "--algorithm",
            "ed25519",
            "--password-file",
            passwordFile().toString(),
            "--csr",
            dir.resolve("t.csr").toString(),
            "--subject",
            "CN=T0000001,O=Example Shop");
    assertThat(rotated.status()).as(rotated.err()).isZero();
    assertThat(rotated.out()).contains("2 keys kept").contains("(ED25519)");
    assertThat(Files.readString(dir.resolve("t.csr")))
        .startsWith("-----BEGIN CERTIFICATE REQUEST-----");
  }

  @Test
  void badInputEndsInOneClearLineAndStatusTwo() throws Exception {
    Path identity = keygen("sm2");
    Path pw = passwordFile();
    Path pub = dir.resolve("sm2.pub.pem");

    Path malformed = dir.resolve("bad.json");
    Files.writeString(malformed, "{\"type\": \"TRANSACTION_TYPE_SALE\", \"amount\": ");
    expectError(
        run(
            "sign",
            "--identity",
            identity.toString(),
            "--password-file",
            pw.toString(),
            malformed.toString()),
        "is not a valid transaction: End of input at line 1 column 45");

    Path unknownField = dir.resolve("unknown.json");
    Files.writeString(unknownField, "{\"type\": \"TRANSACTION_TYPE_SALE\", \"colour\": 1}");
    expectError(
        run(
            "sign",
            "--identity",
            identity.toString(),
            "--password-file",
            pw.toString(),
            unknownField.toString()),
        "colour");

    Path fullPan = dir.resolve("pan.json");
    Files.writeString(
        fullPan, Files.readString(saleJson()).replace("622202******1234", "6222020000001234"));
    Result pan =
        run(
            "sign",
            "--identity",
            identity.toString(),
            "--password-file",
            pw.toString(),
            fullPan.toString());
    expectError(pan, "masked_pan: ");
    assertThat(pan.err()).doesNotContain("6222020000001234");

    Path wrongPw = dir.resolve("wrong.txt");
    Files.writeString(wrongPw, "not it\n");
    expectError(
        run(
            "sign",
            "--identity",
            identity.toString(),
            "--password-file",
            wrongPw.toString(),
            saleJson().toString()),
        "[identity.wrong_password]");

    Path garbage = dir.resolve("garbage.png");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    expectError(run("verify", "--public-key", pub.toString(), garbage.toString()), "[qr.");

    Path notAKey = dir.resolve("not-a-key.pem");
    Files.writeString(notAKey, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    expectError(run("verify", "--public-key", notAKey.toString(), "https://x/D/AA"), "[key.");

    // An RSA key: the wrong key type.
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    Path rsaPem = dir.resolve("rsa.pem");
    Files.writeString(
        rsaPem,
        "-----BEGIN PUBLIC KEY-----\n"
            + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(rsa.generateKeyPair().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
    expectError(
        run("verify", "--public-key", rsaPem.toString(), "https://x/D/AA"),
        "[key.unsupported_algorithm]");

    expectError(
        run("verify", "--public-key", pub.toString(), dir.resolve("missing.png").toString()),
        "neither a link");
    expectError(
        run(
            "sign",
            "--identity",
            dir.resolve("none.p12").toString(),
            "--password-file",
            pw.toString(),
            saleJson().toString()),
        "[identity.not_found]");
    expectError(
        run("keygen", "--identity", identity.toString(), "--password-file", pw.toString()),
        "[identity.already_exists]");
    expectError(
        run(
            "keygen",
            "--identity",
            dir.resolve("x.p12").toString(),
            "--algorithm",
            "rsa",
            "--password-file",
            pw.toString()),
        "expected one of: sm2, p256, ed25519");
    expectError(run("sign"), "Missing required");
  }

  @Test
  void truncatedJournalIsReportedNotThrown() throws Exception {
    Path identity = keygen("ed25519");
    for (int i = 0; i < 3; i++) {
      assertThat(sign(identity, dir.resolve("out")).status()).isZero();
    }
    Path journal = dir.resolve("ed25519.journal");
    byte[] bytes = Files.readAllBytes(journal);
    Files.write(journal, java.util.Arrays.copyOf(bytes, bytes.length - 7));
    Result r = run("journal", "verify", journal.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("(note) TORN_TAIL");

    Files.write(journal, java.util.Arrays.copyOf(bytes, 9));
    Result header = run("journal", "verify", journal.toString());
    assertThat(header.status()).isEqualTo(1);
    assertThat(header.out()).contains("VERDICT: INVALID");
  }

  @Test
  void demoRunsEndToEndAndAgain() throws Exception {
    Path out = dir.resolve("demo");
    Result first = run("demo", "--out", out.toString());
    assertThat(first.status()).as(first.out() + first.err()).isZero();
    assertThat(first.out())
        .contains("Receipt 1 signed")
        .contains("Refused:")
        .contains("no gap, edit, fork or chain break");
    Result second = run("demo", "--out", out.toString());
    assertThat(second.status()).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("Receipt 33 signed").contains("2 receipts");
  }

  @ParameterizedTest
  @ValueSource(strings = {"58", "80", "58-raster", "80-raster"})
  void receiptPreviewPrintsAReadableQr(String variant) throws Exception {
    Path identity = keygen("sm2");
    Path out = dir.resolve("p");
    assertThat(sign(identity, out).status()).isZero();
    String link = json(out.resolve("receipt-1.json")).get("dispute_link").getAsString();
    String paper = variant.substring(0, 2);
    Path png = dir.resolve("preview-" + variant + ".png");
    List<String> args =
        new ArrayList<>(
            List.of(
                "receipt",
                "preview",
                "--paper",
                paper,
                "--out",
                png.toString(),
                "--escpos-out",
                dir.resolve(variant + ".bin").toString()));
    if (variant.endsWith("raster")) {
      args.add("--raster");
    }
    args.add(out.resolve("receipt-1.json").toString());
    Result r = run(args.toArray(String[]::new));
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains(": " + link).contains("Preview: " + png);
    assertThat(dev.fangxin.core.qr.QrImageDecoder.decode(png)).isEqualTo(link);
    if (!variant.endsWith("raster")) {
      assertThat(Files.size(dir.resolve(variant + ".bin"))).isLessThanOrEqualTo(1024);
    }
    // The raw ESC/POS file previews the same way.
    Result raw =
        run("receipt", "preview", "--paper", paper, dir.resolve(variant + ".bin").toString());
    assertThat(raw.status()).as(raw.err()).isZero();
    assertThat(raw.out()).contains(": " + link);
    if (onPath("zbarimg")) {
      assertThat(exec(List.of("zbarimg", "--raw", "-q", png.toString()), 0).strip())
          .isEqualTo(link);
    }
  }

  @Test
  void receiptPreviewRefusesBadInput() throws Exception {
    Path garbage = dir.resolve("x.json");
    Files.writeString(garbage, "{\"hello\": 1}");
    expectError(run("receipt", "preview", garbage.toString()), "not a receipt written by");
    Path bin = dir.resolve("x.bin");
    Files.write(bin, new byte[] {0x1B, 0x7A});
    expectError(run("receipt", "preview", bin.toString()), "[virtual_printer.");
    expectError(run("receipt", "preview", "--paper", "72", bin.toString()), "58 or 80");
  }

  @Test
  void helpHasExamples() {
    for (String command : new String[] {"keygen", "sign", "verify", "demo"}) {
      Result r = run(command, "--help");
      assertThat(r.status()).isZero();
      assertThat(r.out()).contains("Example");
    }
  }

  /** OpenSSL 3 verifies, from the command line, both signatures the CLI made, per algorithm. */
  @ParameterizedTest
  @ValueSource(strings = {"sm2", "p256", "ed25519"})
  void openSslVerifiesWhatTheCliSigned(String algorithm) throws Exception {
    requireTool("openssl");
    Path identity = keygen(algorithm);
    Path out = dir.resolve("o-" + algorithm);
    assertThat(sign(identity, out).status()).isZero();
    JsonObject signatures = json(out.resolve("receipt-1.json")).getAsJsonObject("signatures");
    Path pub = dir.resolve(algorithm + ".pub.pem");
    for (String which : new String[] {"token", "receipt"}) {
      JsonObject s = signatures.getAsJsonObject(which);
      Path msg = dir.resolve(which + ".msg");
      Files.write(msg, HexFormat.of().parseHex(s.get("signed_bytes_hex").getAsString()));
      Path sig = dir.resolve(which + ".sig");
      List<String> command = new ArrayList<>();
      switch (algorithm) {
        case "ed25519" -> {
          Files.write(sig, HexFormat.of().parseHex(s.get("signature_hex").getAsString()));
          command.addAll(
              List.of(
                  "openssl",
                  "pkeyutl",
                  "-verify",
                  "-pubin",
                  "-inkey",
                  pub.toString(),
                  "-rawin",
                  "-in",
                  msg.toString(),
                  "-sigfile",
                  sig.toString()));
        }
        case "sm2" -> {
          Files.write(sig, HexFormat.of().parseHex(s.get("signature_der_hex").getAsString()));
          command.addAll(
              List.of(
                  "openssl",
                  "pkeyutl",
                  "-verify",
                  "-pubin",
                  "-inkey",
                  pub.toString(),
                  "-rawin",
                  "-digest",
                  "sm3",
                  "-pkeyopt",
                  "distid:1234567812345678",
                  "-in",
                  msg.toString(),
                  "-sigfile",
                  sig.toString()));
        }
        default -> {
          Files.write(sig, HexFormat.of().parseHex(s.get("signature_der_hex").getAsString()));
          command.addAll(
              List.of(
                  "openssl",
                  "dgst",
                  "-sha256",
                  "-verify",
                  pub.toString(),
                  "-signature",
                  sig.toString(),
                  msg.toString()));
        }
      }
      String output = exec(command, 0);
      assertThat(output).as(which).containsIgnoringCase("verified");
      // And a one-byte change fails.
      byte[] m = Files.readAllBytes(msg);
      m[m.length - 1] ^= 1;
      Files.write(msg, m);
      exec(command, 1);
    }
  }

  /** zbarimg reads the PNG the CLI writes and prints exactly the signed link. */
  @Test
  void zbarReadsTheCliQrCode() throws Exception {
    requireTool("zbarimg");
    Path identity = keygen("sm2");
    Path out = dir.resolve("z");
    assertThat(sign(identity, out).status()).isZero();
    String link = json(out.resolve("receipt-1.json")).get("dispute_link").getAsString();
    String read =
        exec(List.of("zbarimg", "--raw", "-q", out.resolve("receipt-1.png").toString()), 0);
    assertThat(read.strip()).isEqualTo(link);
  }

  private static void expectError(Result r, String fragment) {
    assertThat(r.status()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains(fragment);
    assertThat(r.err().lines().count()).as(r.err()).isLessThanOrEqualTo(2);
  }

  private static JsonObject json(Path p) throws IOException {
    return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
  }

  static boolean onPath(String tool) {
    return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
        .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  static void requireTool(String tool) {
    boolean present = onPath(tool);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(tool + " is required when CI=true; .ci/run installs it");
    }
    assumeThat(present).as(tool + " on PATH").isTrue();
  }

  static String exec(List<String> command, int expectedStatus) throws Exception {
    // Only standard output: zbarimg, for one, talks about D-Bus on standard error.
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue())
        .as(String.join(" ", command) + "\n" + output)
        .isEqualTo(expectedStatus);
    return output;
  }
}
