package dev.fangxin.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.OpenSslCli;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.key.TerminalPublicKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TerminalIdentityTest {
  private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
  private static final byte[] MESSAGE =
      "fangxin.test.v1\nidentity".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void createLoadRoundTrip(SignatureAlgorithm a) {
    Path file = dir.resolve("terminal.p12");
    char[] password = PASSWORD.clone();
    TerminalIdentity created = TerminalIdentity.create(file, password, a, "T0001");
    Arrays.fill(password, 'x'); // the caller may wipe its array at once
    assertThat(created.file()).isEqualTo(file);
    assertThat(created.current().algorithm()).isEqualTo(a);
    assertThat(created.keys()).containsExactly(created.current());

    TerminalIdentity loaded = TerminalIdentity.load(file, PASSWORD);
    TerminalKeyPair key = loaded.current();
    assertThat(key.algorithm()).isEqualTo(a);
    assertThat(key.keyId()).isEqualTo(created.current().keyId());
    assertThat(key.publicKey()).isEqualTo(created.current().publicKey());
    assertThat(created.current().publicKey().verify(MESSAGE, key.sign(MESSAGE))).isTrue();
    assertThat(loaded.keys()).hasSize(1);
    assertThat(loaded.toString())
        .isEqualTo("TerminalIdentity{file=" + file + ", current=" + key.keyId() + ", keys=1}");
  }

  @Test
  void rotateMakesNewCurrentKeepsOldAndSurvivesReload() throws IOException {
    Path file = dir.resolve("terminal.p12");
    TerminalIdentity id = TerminalIdentity.create(file, PASSWORD, SignatureAlgorithm.SM2_SM3, "T1");
    TerminalKeyPair first = id.current();
    TerminalKeyPair second = id.rotate(SignatureAlgorithm.ED25519);
    assertThat(id.current()).isSameAs(second);
    assertThat(second.keyId()).isNotEqualTo(first.keyId());
    assertThat(id.keys()).containsExactly(second, first);
    assertThat(id.find(first.keyId())).containsSame(first);
    assertThat(id.find(KeyId.fromHex("0000000000000000"))).isEmpty();

    TerminalKeyPair third = id.rotate(SignatureAlgorithm.ECDSA_P256_SHA256);
    TerminalIdentity reloaded = TerminalIdentity.load(file, PASSWORD);
    assertThat(reloaded.keys().stream().map(TerminalKeyPair::keyId))
        .containsExactly(third.keyId(), second.keyId(), first.keyId());
    assertThat(reloaded.current().algorithm()).isEqualTo(SignatureAlgorithm.ECDSA_P256_SHA256);
    TerminalKeyPair oldKey = reloaded.find(first.keyId()).orElseThrow();
    assertThat(first.publicKey().verify(MESSAGE, oldKey.sign(MESSAGE))).isTrue();

    // Rotating a reloaded identity continues the generation count.
    TerminalKeyPair fourth = reloaded.rotate(SignatureAlgorithm.SM2_SM3);
    assertThat(TerminalIdentity.load(file, PASSWORD).current().keyId()).isEqualTo(fourth.keyId());
    // No temporary files are left behind.
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
          .containsExactly("terminal.p12");
    }
  }

  @Test
  void createRefusesExistingFile() throws IOException {
    Path file = dir.resolve("terminal.p12");
    TerminalIdentity.create(file, PASSWORD, SignatureAlgorithm.ED25519, "T1");
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(
            () -> TerminalIdentity.create(file, PASSWORD, SignatureAlgorithm.ED25519, "T2"))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(IdentityException.Reason.ALREADY_EXISTS))
        .hasMessage(
            "The identity file " + file + " already exists; it is never overwritten by create.");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);

    Path other = dir.resolve("notes.txt");
    Files.writeString(other, "keep me", StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> TerminalIdentity.create(other, PASSWORD, SignatureAlgorithm.ED25519, "T2"))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reason()).isEqualTo("identity.already_exists"));
    assertThat(Files.readString(other, StandardCharsets.UTF_8)).isEqualTo("keep me");
  }

  @Test
  void createInMissingDirectoryIsIo() {
    Path file = dir.resolve("no-such-dir").resolve("terminal.p12");
    assertThatThrownBy(
            () -> TerminalIdentity.create(file, PASSWORD, SignatureAlgorithm.ED25519, "T1"))
        .isInstanceOfSatisfying(
            IdentityException.class, e -> assertThat(e.reason()).isEqualTo("identity.io"))
        .hasMessageStartingWith("The identity file " + file + " could not be written: ");
  }

  @Test
  void wrongPassword() {
    Path file = dir.resolve("terminal.p12");
    TerminalIdentity.create(file, PASSWORD, SignatureAlgorithm.SM2_SM3, "T1");
    assertThatThrownBy(() -> TerminalIdentity.load(file, "wrong".toCharArray()))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(IdentityException.Reason.WRONG_PASSWORD))
        .hasMessage("The password does not open the identity file " + file + ".");
    assertThatThrownBy(() -> TerminalIdentity.load(file, new char[0]))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reason()).isEqualTo("identity.wrong_password"));
  }

  @Test
  void truncatedGarbageAndEmptyFilesAreUnreadable() throws IOException {
    Path file = dir.resolve("terminal.p12");
    TerminalIdentity.create(file, PASSWORD, SignatureAlgorithm.ED25519, "T1");
    byte[] good = Files.readAllBytes(file);

    Path truncated = dir.resolve("truncated.p12");
    Files.write(truncated, Arrays.copyOf(good, good.length / 2));
    assertUnreadable(truncated);

    Path shortFile = dir.resolve("short.p12");
    Files.write(shortFile, Arrays.copyOf(good, 3));
    assertUnreadable(shortFile);

    byte[] noise = new byte[2048];
    new Random(42).nextBytes(noise);
    Path garbage = dir.resolve("garbage.p12");
    Files.write(garbage, noise);
    assertUnreadable(garbage);

    Path text = dir.resolve("text.p12");
    Files.writeString(text, "this is not a key store\n", StandardCharsets.UTF_8);
    assertUnreadable(text);

    Path empty = dir.resolve("empty.p12");
    Files.write(empty, new byte[0]);
    assertUnreadable(empty);
  }

  private static void assertUnreadable(Path file) {
    assertThatThrownBy(() -> TerminalIdentity.load(file, PASSWORD))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(IdentityException.Reason.UNREADABLE))
        .hasMessageStartingWith("The identity file " + file + " is not a readable PKCS#12 store: ");
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("missing.p12");
    assertThatThrownBy(() -> TerminalIdentity.load(file, PASSWORD))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(IdentityException.Reason.NOT_FOUND))
        .hasMessage("There is no identity file " + file + ".");
  }

  @Test
  void loadsPkcs12MadeByOpenSsl() throws IOException {
    Path file = copyResource("openssl-sm2.p12");
    TerminalIdentity id = TerminalIdentity.load(file, "fangxin-test".toCharArray());
    assertThat(id.current().algorithm()).isEqualTo(SignatureAlgorithm.SM2_SM3);
    assertThat(id.current().publicKey())
        .isEqualTo(TerminalKeyPair.fromPkcs8Pem(keyResource("sm2-private.pem")).publicKey());
    // And we can rotate it: the new key gets serial 2 (the OpenSSL certificate has serial 1).
    TerminalKeyPair next = id.rotate(SignatureAlgorithm.SM2_SM3);
    assertThat(TerminalIdentity.load(file, "fangxin-test".toCharArray()).current().keyId())
        .isEqualTo(next.keyId());
  }

  @Test
  void rsaKeyIsUnsupported() throws IOException {
    Path file = copyResource("openssl-rsa.p12");
    assertThatThrownBy(() -> TerminalIdentity.load(file, "fangxin-test".toCharArray()))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(IdentityException.Reason.UNSUPPORTED_KEY))
        .hasMessage(
            "Entry \"rsa\" of "
                + file
                + " holds an unusable key: The PKCS#8 key has algorithm 1.2.840.113549.1.1.1;"
                + " expected an SM2 (sm2p256v1), ECDSA P-256 (prime256v1) or Ed25519 private key.");
  }

  @Test
  void storeWithoutKeys() throws IOException {
    Path file = copyResource("openssl-cert-only.p12");
    assertThatThrownBy(() -> TerminalIdentity.load(file, "fangxin-test".toCharArray()))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(IdentityException.Reason.NO_KEYS))
        .hasMessage("The identity file " + file + " holds no private key; expected at least one.");
  }

  @Test
  void closeWipesPasswordAndStopsRotation() {
    TerminalIdentity id =
        TerminalIdentity.create(dir.resolve("t.p12"), PASSWORD, SignatureAlgorithm.ED25519, "T1");
    id.close();
    id.close();
    assertThat(id.current().sign(MESSAGE)).hasSize(64);
    assertThatThrownBy(() -> id.rotate(SignatureAlgorithm.ED25519))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This identity was closed; load it again to rotate keys.");
  }

  @Test
  void rejectsBadCommonNameAndSubject() {
    assertThatThrownBy(
            () ->
                TerminalIdentity.create(
                    dir.resolve("t.p12"), PASSWORD, SignatureAlgorithm.ED25519, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("commonName must be 1 to 64 characters: \"\"");
    TerminalIdentity id =
        TerminalIdentity.create(dir.resolve("t.p12"), PASSWORD, SignatureAlgorithm.ED25519, "T1");
    assertThatThrownBy(() -> id.certificationRequestPem("not a dn"))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(IdentityException.Reason.INVALID_SUBJECT))
        .hasMessageStartingWith(
            "\"not a dn\" is not a distinguished name such as \"CN=T0001,O=Shop,C=CN\": ");
    assertThatThrownBy(() -> id.certificationRequestPem(""))
        .isInstanceOfSatisfying(
            IdentityException.class,
            e -> assertThat(e.reason()).isEqualTo("identity.invalid_subject"))
        .hasMessage("The subject distinguished name is empty; expected for example \"CN=T0001\".");
  }

  /** openssl pkcs12 reads our file without -legacy and finds the current key. */
  @Test
  void openSslReadsOurIdentityFile() throws Exception {
    OpenSslCli openssl = OpenSslCli.require(dir);
    Path file = dir.resolve("t.p12");
    TerminalIdentity id = TerminalIdentity.create(file, PASSWORD, SignatureAlgorithm.SM2_SM3, "T1");
    openssl.ok(
        "pkcs12",
        "-in",
        "t.p12",
        "-passin",
        "pass:" + new String(PASSWORD),
        "-nocerts",
        "-nodes",
        "-out",
        "key.pem");
    assertThat(
            TerminalKeyPair.fromPkcs8Pem(pemBlock(dir.resolve("key.pem"), "PRIVATE KEY"))
                .publicKey())
        .isEqualTo(id.current().publicKey());
  }

  /**
   * The PKCS#10 request verifies with OpenSSL and carries the current key:
   *
   * <pre>
   * openssl req -in csr.pem -noout -verify                                  # P-256, Ed25519
   * openssl req -in csr.pem -noout -verify -vfyopt distid:1234567812345678  # SM2
   * </pre>
   *
   * OpenSSL 3.0 exits with 0 even when the self-signature does not verify, so the output
   * ("Certificate request self-signature verify OK") is checked too.
   */
  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void certificationRequestVerifiesWithOpenSsl(SignatureAlgorithm a) throws Exception {
    OpenSslCli openssl = OpenSslCli.require(dir);
    TerminalIdentity id = TerminalIdentity.create(dir.resolve("t.p12"), PASSWORD, a, "T1");
    String csr = id.certificationRequestPem("CN=T0001,O=Example Shop,C=CN");
    assertThat(csr).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n");
    Files.writeString(dir.resolve("csr.pem"), csr, StandardCharsets.US_ASCII);

    List<String> verify =
        a == SignatureAlgorithm.SM2_SM3
            ? List.of(
                "req",
                "-in",
                "csr.pem",
                "-noout",
                "-verify",
                "-vfyopt",
                "distid:" + TerminalKeyPair.SM2_USER_ID)
            : List.of("req", "-in", "csr.pem", "-noout", "-verify");
    OpenSslCli.Result result = openssl.ok(verify.toArray(new String[0]));
    assertThat(result.output).contains("verify OK").doesNotContain("failure");

    openssl.ok("req", "-in", "csr.pem", "-noout", "-pubkey", "-out", "pub.pem");
    assertThat(TerminalPublicKey.fromPem(Files.readString(dir.resolve("pub.pem"))))
        .isEqualTo(id.current().publicKey());
    assertThat(openssl.ok("req", "-in", "csr.pem", "-noout", "-subject").output)
        .contains("CN = T0001")
        .contains("O = Example Shop");

    if (a == SignatureAlgorithm.SM2_SM3) {
      // Without the ID, OpenSSL 3.0 uses an empty one and the signature does not verify.
      OpenSslCli.Result noId = openssl.run("req", "-in", "csr.pem", "-noout", "-verify");
      assertThat(noId.output).doesNotContain("verify OK");
    }
  }

  private Path copyResource(String name) throws IOException {
    Path target = dir.resolve(name);
    try (InputStream in = TerminalIdentityTest.class.getResourceAsStream(name)) {
      Files.copy(in, target);
    }
    return target;
  }

  private static String keyResource(String name) throws IOException {
    try (InputStream in = TerminalKeyPair.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The one PEM block with this label in a file that may hold "Bag Attributes" text too. */
  private static String pemBlock(Path file, String label) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    int start = text.indexOf("-----BEGIN " + label + "-----");
    String end = "-----END " + label + "-----";
    return text.substring(start, text.indexOf(end) + end.length()) + "\n";
  }
}
