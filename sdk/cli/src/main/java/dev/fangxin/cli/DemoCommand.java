package dev.fangxin.cli;

import com.google.protobuf.util.JsonFormat;
import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.identity.TerminalIdentity;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import dev.fangxin.core.qr.QrImageDecoder;
import dev.fangxin.core.receipt.JournalVerifier;
import dev.fangxin.core.receipt.ReceiptSigner;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.core.receipt.Transaction;
import dev.fangxin.core.token.TokenException;
import dev.fangxin.protocol.v1.Money;
import dev.fangxin.protocol.v1.PaymentTool;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.Trace;
import dev.fangxin.protocol.v1.TransactionType;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the terminal side end to end, saying what it does.",
      "It creates a terminal identity, signs a sample sale, journals it, writes the receipt QR",
      "code, reads the QR back as a phone would, verifies it, shows that an altered link fails,",
      "and verifies the journal.",
      "Run it again to sign the next receipt with the same key and journal."
    },
    footer = {"", "Example:", "  fangxin demo --out fangxin-demo"})
final class DemoCommand implements Callable<Integer> {
  private static final String CREDIT_CODE_PREFIX = "91330106MA2B3C4D5";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "fangxin-demo",
      description = "Folder for everything the demo writes (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--algorithm",
      paramLabel = "ALG",
      defaultValue = "sm2",
      description = "Key algorithm for a new identity: sm2, p256 or ed25519.")
  String algorithm;

  @Option(
      names = "--base",
      paramLabel = "URL",
      defaultValue = "https://fx.example.cn",
      description = "Base of the dispute link (default: ${DEFAULT-VALUE}).")
  String base;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    Files.createDirectories(out);
    Path identityFile = out.resolve("terminal.p12");
    Path passwordFile = out.resolve("terminal.password");
    Path journalFile = out.resolve("terminal.journal");

    o.println("1. Terminal identity");
    TerminalIdentity identity;
    if (Files.exists(identityFile)) {
      identity = TerminalIdentity.load(identityFile, readPassword(passwordFile));
      o.printf("   Loaded %s (the demo's password is in %s).%n", identityFile, passwordFile);
    } else {
      char[] password = newPassword();
      Files.writeString(passwordFile, new String(password) + "\n", StandardCharsets.UTF_8);
      identity =
          TerminalIdentity.create(
              identityFile, password, SignatureAlgorithm.parse(algorithm), "fangxin-demo");
      o.printf(
          "   Created %s, a PKCS#12 keystore; its password is in %s%n", identityFile, passwordFile);
      o.println("   (a demo shortcut: a real terminal keeps the password out of the file system).");
    }
    TerminalKeyPair key = identity.current();
    Path publicKeyFile = out.resolve("terminal.pub.pem");
    Files.writeString(publicKeyFile, key.publicKey().toPem(), StandardCharsets.US_ASCII);
    o.printf(
        "   Signing key %s (%s); public key in %s.%n", key.keyId(), key.algorithm(), publicKeyFile);

    o.println("2. A sale arrives from the payment terminal");
    dev.fangxin.protocol.v1.Transaction sample = sampleSale(Instant.now());
    Path saleFile = out.resolve("sale.json");
    Files.writeString(saleFile, JsonFormat.printer().print(sample) + "\n", StandardCharsets.UTF_8);
    Transaction tx = Transaction.fromProto(sample);
    o.printf(
        "   %s, %s at %s, card %s; written to %s.%n",
        "sale", tx.amount(), tx.time(), tx.maskedPan().map(Object::toString).orElse("-"), saleFile);

    o.println("3. Sign and journal it");
    SignedReceipt receipt;
    try (ReceiptSigner signer = ReceiptSigner.open(key, journalFile)) {
      receipt = signer.sign(tx);
    }
    o.printf(
        "   Receipt %d signed twice (dispute token and full receipt) and appended to %s%n",
        receipt.sequence(), journalFile);
    o.printf(
        "   before it was handed out; %s%n",
        receipt.sequence() == 1
            ? "it starts the key's hash chain."
            : "it carries the digest of the previous receipt's signature (the hash chain).");

    o.println("4. Print the dispute link into the receipt QR code");
    String link = receipt.link(base).toString();
    QrCode qr = QrCode.encode(link, ErrorCorrection.M);
    Path png = out.resolve("receipt-" + receipt.sequence() + ".png");
    Files.write(png, qr.toPng(4, 4));
    Path json = out.resolve("receipt-" + receipt.sequence() + ".json");
    Files.writeString(json, ReceiptJson.render(receipt, key.algorithm(), link));
    o.printf("   %s%n", link);
    o.printf(
        "   %d characters, QR version %d at level M: %s (receipt details in %s).%n",
        link.length(), qr.version(), png, json);

    o.println("5. A consumer scans it");
    String scanned = QrImageDecoder.decode(png);
    if (!scanned.equals(link)) {
      o.println("   FAILED: the QR image decodes to something else: " + scanned);
      return Main.VERIFICATION_FAILED;
    }
    DisputeLink parsed = DisputeLink.parse(scanned);
    parsed.token().verify(key.publicKey());
    o.printf(
        "   The image decodes to the same link; the signature verifies: receipt %d, %s.%n",
        parsed.token().claim().sequence(), parsed.token().claim().amount());

    o.println("6. A forger changes one character");
    String forged = alterOneCharacter(link);
    try {
      DisputeLink.parse(forged).token().verify(key.publicKey());
      o.println("   FAILED: an altered link verified");
      return Main.VERIFICATION_FAILED;
    } catch (TokenException e) {
      o.printf("   Refused: %s [%s].%n", e.getMessage(), e.reason());
    }

    o.println("7. Audit the journal");
    JournalVerifier.Report report = JournalVerifier.verify(journalFile, List.of(key.publicKey()));
    if (!report.ok()) {
      o.println("   FAILED: " + report.findings());
      return Main.VERIFICATION_FAILED;
    }
    o.printf(
        "   %d receipt%s, no gap, edit, fork or chain break.%n",
        report.receipts(), report.receipts() == 1 ? "" : "s");
    o.println();
    o.printf("Done. Try:  bin/fangxin verify --public-key %s %s%n", publicKeyFile, png);
    return 0;
  }

  static dev.fangxin.protocol.v1.Transaction sampleSale(Instant now) {
    ZonedDateTime beijing = now.atZone(ZoneId.of("Asia/Shanghai"));
    String creditCode = CREDIT_CODE_PREFIX + CreditCode.checkCharacter(CREDIT_CODE_PREFIX);
    return dev.fangxin.protocol.v1.Transaction.newBuilder()
        .setType(TransactionType.TRANSACTION_TYPE_SALE)
        .setAmount(Money.newBuilder().setMinorUnits(12_800).setCurrency(156))
        .setTime(now.getEpochSecond())
        .setTool(
            PaymentTool.newBuilder()
                .setType(ToolType.TOOL_TYPE_POS_TERMINAL)
                .setAcquirerInstitution("48020000")
                .setMerchantNumber("898330160120001")
                .setTerminalId("T0000001"))
        .setTrace(
            Trace.newBuilder()
                .setAcquirerInstitution("48020000")
                .setForwardingInstitution("48020000")
                .setStan(String.format("%06d", 1 + (now.getEpochSecond() % 999_999)))
                .setTransmissionTime(beijing.format(DateTimeFormatter.ofPattern("MMddHHmmss")))
                .setSettlementDate(beijing.format(DateTimeFormatter.ofPattern("MMdd")))
                .setSettlementYear(beijing.getYear())
                .setRrn(String.format("%012d", now.getEpochSecond() % 1_000_000_000_000L)))
        .setMaskedPan("622202******1234")
        .setReceiptNumber("000001")
        .setMerchantName("放心小馆 Fangxin Bistro")
        .setMerchantCreditCode(creditCode)
        .build();
  }

  private static String alterOneCharacter(String link) {
    int at = link.length() - 20;
    char c = link.charAt(at);
    char replacement = c == 'A' ? 'B' : 'A';
    return link.substring(0, at) + replacement + link.substring(at + 1);
  }

  private static char[] newPassword() {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random).toCharArray();
  }

  private static char[] readPassword(Path file) throws java.io.IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserException(
          "found "
              + file.resolveSibling("terminal.p12")
              + " but not its password file "
              + file
              + "; use another --out folder");
    }
    return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
  }
}
