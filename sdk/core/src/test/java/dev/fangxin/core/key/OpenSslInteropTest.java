package dev.fangxin.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every signature must verify with OpenSSL 3 from the command line, and OpenSSL's signatures with
 * our exported keys must verify with {@link TerminalPublicKey}. The exact command lines (they are
 * documented in protocol/SPEC.md):
 *
 * <pre>
 * # Ed25519: sig = the raw 64-byte signature
 * openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg -sigfile sig
 * openssl pkeyutl -sign -inkey key.pem -rawin -in msg -out sig
 *
 * # SM2 with SM3: sig.der = DER SEQUENCE { INTEGER r, INTEGER s } made from the raw r || s
 * openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -digest sm3 \
 *     -pkeyopt distid:1234567812345678 -in msg -sigfile sig.der
 * openssl dgst -sm3 -sigopt distid:1234567812345678 -verify pub.pem -signature sig.der msg
 * openssl pkeyutl -sign -inkey key.pem -rawin -digest sm3 \
 *     -pkeyopt distid:1234567812345678 -in msg -out sig.der
 *
 * # ECDSA P-256 with SHA-256: sig.der as for SM2
 * openssl dgst -sha256 -verify pub.pem -signature sig.der msg
 * openssl dgst -sha256 -sign key.pem -out sig.der msg
 * </pre>
 *
 * Without {@code distid:1234567812345678} OpenSSL 3.0 uses an empty SM2 ID and reports a
 * verification failure.
 */
class OpenSslInteropTest {
  private static final byte[] MESSAGE =
      "fangxin.test.v1\n\u653e\u5fc3 interop 0123456789".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void openSslVerifiesOurSignatures(SignatureAlgorithm a) throws Exception {
    OpenSslCli openssl = OpenSslCli.require(dir);
    TerminalKeyPair key = TerminalKeyPair.generate(a, TestKeys.seeded(21));
    Files.writeString(dir.resolve("pub.pem"), key.publicKey().toPem(), StandardCharsets.US_ASCII);
    Files.write(dir.resolve("msg"), MESSAGE);
    byte[] bad = MESSAGE.clone();
    bad[bad.length - 1] ^= 1;
    Files.write(dir.resolve("bad"), bad);
    byte[] sig = key.sign(MESSAGE);
    Files.write(
        dir.resolve("sig"), a == SignatureAlgorithm.ED25519 ? sig : SignatureEncoding.toDer(sig));

    OpenSslCli.Result good = openssl.run(verifyCommand(a, "msg"));
    assertThat(good.exitCode).as("%s", good).isZero();
    assertThat(good.output).containsAnyOf("Signature Verified Successfully", "Verified OK");
    OpenSslCli.Result tampered = openssl.run(verifyCommand(a, "bad"));
    assertThat(tampered.exitCode).as("%s", tampered).isNotZero();

    if (a == SignatureAlgorithm.SM2_SM3) {
      OpenSslCli.Result dgst =
          openssl.run(
              "dgst",
              "-sm3",
              "-sigopt",
              "distid:" + TerminalKeyPair.SM2_USER_ID,
              "-verify",
              "pub.pem",
              "-signature",
              "sig",
              "msg");
      assertThat(dgst.exitCode).as("%s", dgst).isZero();
      // The ID matters: OpenSSL's default (empty ID in 3.0) does not verify.
      OpenSslCli.Result noId =
          openssl.run("dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig", "msg");
      assertThat(noId.exitCode).as("%s", noId).isNotZero();
    }
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void weVerifyOpenSslSignaturesWithExportedKeys(SignatureAlgorithm a) throws Exception {
    OpenSslCli openssl = OpenSslCli.require(dir);
    TerminalKeyPair key = TerminalKeyPair.generate(a, TestKeys.seeded(22));
    Files.writeString(dir.resolve("key.pem"), key.toPkcs8Pem(), StandardCharsets.US_ASCII);
    Files.write(dir.resolve("msg"), MESSAGE);

    // OpenSSL reads our PKCS#8 and derives the same public key.
    openssl.ok("pkey", "-in", "key.pem", "-pubout", "-out", "derived.pem");
    assertThat(TerminalPublicKey.fromPem(Files.readString(dir.resolve("derived.pem"))))
        .isEqualTo(key.publicKey());

    switch (a) {
      case ED25519:
        openssl.ok("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-in", "msg", "-out", "sig");
        break;
      case SM2_SM3:
        openssl.ok(
            "pkeyutl",
            "-sign",
            "-inkey",
            "key.pem",
            "-rawin",
            "-digest",
            "sm3",
            "-pkeyopt",
            "distid:" + TerminalKeyPair.SM2_USER_ID,
            "-in",
            "msg",
            "-out",
            "sig");
        break;
      case ECDSA_P256_SHA256:
        openssl.ok("dgst", "-sha256", "-sign", "key.pem", "-out", "sig", "msg");
        break;
    }
    byte[] out = Files.readAllBytes(dir.resolve("sig"));
    byte[] sig = a == SignatureAlgorithm.ED25519 ? out : SignatureEncoding.fromDer(out);
    assertThat(key.publicKey().verify(MESSAGE, sig)).isTrue();
    if (a == SignatureAlgorithm.ED25519) {
      assertThat(sig).as("Ed25519 is deterministic").isEqualTo(key.sign(MESSAGE));
    }
  }

  @Test
  void openSslReadsOurSm2PublicKeyAsSm2() throws Exception {
    OpenSslCli openssl = OpenSslCli.require(dir);
    TerminalKeyPair key = TestKeys.fixed(SignatureAlgorithm.SM2_SM3);
    Files.writeString(dir.resolve("pub.pem"), key.publicKey().toPem(), StandardCharsets.US_ASCII);
    OpenSslCli.Result text = openssl.ok("pkey", "-pubin", "-in", "pub.pem", "-text", "-noout");
    assertThat(text.output).contains("ASN1 OID: SM2");
  }

  private static String[] verifyCommand(SignatureAlgorithm a, String msg) {
    switch (a) {
      case ED25519:
        return new String[] {
          "pkeyutl",
          "-verify",
          "-pubin",
          "-inkey",
          "pub.pem",
          "-rawin",
          "-in",
          msg,
          "-sigfile",
          "sig"
        };
      case SM2_SM3:
        return new String[] {
          "pkeyutl",
          "-verify",
          "-pubin",
          "-inkey",
          "pub.pem",
          "-rawin",
          "-digest",
          "sm3",
          "-pkeyopt",
          "distid:" + TerminalKeyPair.SM2_USER_ID,
          "-in",
          msg,
          "-sigfile",
          "sig"
        };
      case ECDSA_P256_SHA256:
        return new String[] {"dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", msg};
    }
    throw new AssertionError(a);
  }
}
