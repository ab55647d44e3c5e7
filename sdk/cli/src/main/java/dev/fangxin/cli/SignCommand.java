package dev.fangxin.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.fangxin.core.identity.TerminalIdentity;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import dev.fangxin.core.receipt.ReceiptSigner;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.core.receipt.Transaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Signs a transaction and writes its receipt and dispute QR code.",
      "The transaction (JSON) is signed with the identity's current key, the signed receipt is",
      "appended to the journal, and the receipt (JSON) and its QR code (PNG) are written."
    },
    footer = {
      "",
      "The transaction is the JSON form of fangxin.v1.Transaction, for example:",
      "  {",
      "    \"type\": \"TRANSACTION_TYPE_SALE\",",
      "    \"amount\": {\"minorUnits\": \"12800\", \"currency\": 156},",
      "    \"time\": \"1795939200\",",
      "    \"tool\": {\"type\": \"TOOL_TYPE_POS_TERMINAL\", \"acquirerInstitution\": \"48020000\",",
      "             \"merchantNumber\": \"898330160120001\", \"terminalId\": \"T0000001\"},",
      "    \"maskedPan\": \"622202******1234\"",
      "  }",
      "",
      "Examples:",
      "  fangxin sign --identity terminal.p12 --password-file pw.txt \\",
      "      --base https://fx.example.cn --out receipts sale.json",
      "  cat sale.json | fangxin sign --identity terminal.p12 --password-env FX_PASSWORD -"
    })
final class SignCommand implements Callable<Integer> {
  /** The largest transaction file read. */
  static final int MAX_TRANSACTION_BYTES = 64 * 1024;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "TRANSACTION",
      description = "The transaction as JSON, or - for standard input.")
  String transaction;

  @Option(
      names = "--identity",
      required = true,
      paramLabel = "FILE",
      description = "The terminal identity (PKCS#12) made by 'fangxin keygen'.")
  Path identity;

  @Option(
      names = "--journal",
      paramLabel = "FILE",
      description = "The receipt journal (default: <identity>.journal beside the identity).")
  Path journal;

  @Option(
      names = "--base",
      paramLabel = "URL",
      defaultValue = "https://fx.example.cn",
      description = "Base of the dispute link (default: ${DEFAULT-VALUE}).")
  String base;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Folder for receipt-<sequence>.json and receipt-<sequence>.png.")
  Path out;

  @Option(
      names = "--module-size",
      paramLabel = "PX",
      defaultValue = "4",
      description = "Pixels per QR module in the PNG (default: ${DEFAULT-VALUE}).")
  int moduleSize;

  @Mixin PasswordOptions passwords;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    Transaction tx = Transaction.fromProto(readTransaction());
    TerminalIdentity id = TerminalIdentity.load(identity, passwords.password(false));
    TerminalKeyPair key = id.current();
    Path journalFile = journal != null ? journal : KeygenCommand.sibling(identity, ".journal");
    Files.createDirectories(out);
    SignedReceipt receipt;
    try (ReceiptSigner signer = ReceiptSigner.open(key, journalFile)) {
      receipt = signer.sign(tx);
    }
    String link = receipt.link(base).toString();
    QrCode qr = QrCode.encode(link, ErrorCorrection.M);
    Path png = out.resolve("receipt-" + receipt.sequence() + ".png");
    Path json = out.resolve("receipt-" + receipt.sequence() + ".json");
    Files.write(png, qr.toPng(moduleSize, 4));
    Files.writeString(json, ReceiptJson.render(receipt, key.algorithm(), link));
    stdout.printf(
        "Signed receipt %d with key %s (%s); journal %s%n",
        receipt.sequence(), key.keyId(), key.algorithm(), journalFile);
    stdout.printf("Dispute link: %s%n", link);
    stdout.printf(
        "QR code:      %s (version %d, level M, %d characters)%n",
        png, qr.version(), link.length());
    stdout.printf("Receipt:      %s%n", json);
    return 0;
  }

  private dev.fangxin.protocol.v1.Transaction readTransaction() throws IOException {
    byte[] bytes;
    if (transaction.equals("-")) {
      try (InputStream in = System.in) {
        bytes = in.readNBytes(MAX_TRANSACTION_BYTES + 1);
      }
    } else {
      Path file = Path.of(transaction);
      if (!Files.isRegularFile(file)) {
        throw new UserException("no such transaction file: " + file);
      }
      if (Files.size(file) > MAX_TRANSACTION_BYTES) {
        throw new UserException(
            "the transaction file is larger than " + MAX_TRANSACTION_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    }
    return parseTransaction(bytes, transaction.equals("-") ? "standard input" : transaction);
  }

  static dev.fangxin.protocol.v1.Transaction parseTransaction(byte[] bytes, String source) {
    if (bytes.length > MAX_TRANSACTION_BYTES) {
      throw new UserException("the transaction is larger than " + MAX_TRANSACTION_BYTES + " bytes");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new UserException(source + " is not UTF-8 text");
    }
    if (text.isBlank()) {
      throw new UserException(source + " is empty; expected a JSON transaction");
    }
    dev.fangxin.protocol.v1.Transaction.Builder builder =
        dev.fangxin.protocol.v1.Transaction.newBuilder();
    try {
      JsonFormat.parser().merge(text, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new UserException(source + " is not a valid transaction: " + plain(e));
    } catch (RuntimeException e) {
      // JsonFormat lets some Gson errors through for malformed text.
      throw new UserException(source + " is not valid JSON: " + plain(e));
    }
    return builder.build();
  }

  /** The message without the class names that parsers put in front of it. */
  static String plain(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    return message.replaceAll("([a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error): ", "");
  }
}
