package dev.fangxin.cli;

import dev.fangxin.core.identity.TerminalIdentity;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Creates a terminal identity, or rotates its signing key.",
      "The identity is a PKCS#12 keystore holding the terminal's signing key; with --rotate a",
      "new key is added and becomes current. Writes the current public key as PEM and, on",
      "request, a PKCS#10 certification request for enrollment."
    },
    footer = {
      "",
      "Examples:",
      "  fangxin keygen --identity terminal.p12 --password-file pw.txt",
      "  fangxin keygen --identity terminal.p12 --algorithm p256 --password-env FX_PASSWORD \\",
      "      --csr terminal.csr --subject 'CN=T0000001,O=Example Shop'",
      "  fangxin keygen --identity terminal.p12 --rotate --password-file pw.txt"
    })
final class KeygenCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--identity",
      required = true,
      paramLabel = "FILE",
      description = "The PKCS#12 keystore to create (or to rotate with --rotate).")
  Path identity;

  @Option(
      names = "--algorithm",
      paramLabel = "ALG",
      defaultValue = "sm2",
      description = "sm2 (SM2 with SM3, default), p256 (ECDSA P-256) or ed25519.")
  String algorithm;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      defaultValue = "fangxin-terminal",
      description = "Common name of the self-signed certificate kept beside the key.")
  String name;

  @Option(
      names = "--rotate",
      description = "Add a new key to an existing identity; it becomes the current key.")
  boolean rotate;

  @Option(
      names = "--public-key",
      paramLabel = "FILE",
      description = "Where to write the current public key (default: <identity>.pub.pem).")
  Path publicKey;

  @Option(
      names = "--csr",
      paramLabel = "FILE",
      description = "Also write a PKCS#10 certification request for the current key.")
  Path csr;

  @Option(
      names = "--subject",
      paramLabel = "DN",
      defaultValue = "CN=fangxin-terminal",
      description = "Subject of the certification request (default: ${DEFAULT-VALUE}).")
  String subject;

  @Mixin PasswordOptions passwords;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    SignatureAlgorithm alg = SignatureAlgorithm.parse(algorithm);
    TerminalIdentity id;
    if (rotate) {
      id = TerminalIdentity.load(identity, passwords.password(false));
      TerminalKeyPair key = id.rotate(alg);
      out.printf(
          "Rotated %s: the current key is now %s (%s); %d keys kept.%n",
          identity, key.keyId(), key.algorithm(), id.keys().size());
    } else {
      id = TerminalIdentity.create(identity, passwords.password(true), alg, name);
      TerminalKeyPair key = id.current();
      out.printf("Created %s with key %s (%s).%n", identity, key.keyId(), key.algorithm());
    }
    Path pub = publicKey != null ? publicKey : sibling(identity, ".pub.pem");
    Files.writeString(pub, id.current().publicKey().toPem(), StandardCharsets.US_ASCII);
    out.printf("Public key: %s%n", pub);
    if (csr != null) {
      Files.writeString(csr, id.certificationRequestPem(subject), StandardCharsets.US_ASCII);
      out.printf("Certification request: %s (%s)%n", csr, subject);
    }
    return 0;
  }

  /** {@code terminal.p12} -> {@code terminal<suffix>} in the same folder. */
  static Path sibling(Path identity, String suffix) {
    String file = identity.getFileName().toString();
    int dot = file.lastIndexOf('.');
    String stem = dot > 0 ? file.substring(0, dot) : file;
    return identity.resolveSibling(stem + suffix);
  }
}
