package dev.fangxin.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fangxin.adapters.escpos.PrinterProfile;
import dev.fangxin.adapters.escpos.ReceiptLayout;
import dev.fangxin.adapters.virtualprinter.RenderedPaper;
import dev.fangxin.adapters.virtualprinter.VirtualPrinter;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.qr.QrException;
import dev.fangxin.core.qr.QrImageDecoder;
import dev.fangxin.core.receipt.SignedReceipt;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "receipt",
    mixinStandardHelpOptions = true,
    description = "Works with printed receipts.",
    subcommands = {ReceiptCommand.Preview.class})
final class ReceiptCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "preview",
      mixinStandardHelpOptions = true,
      description = {
        "Renders a receipt as the paper would come out of a thermal printer, to a PNG, with",
        "no printer attached. INPUT is either a receipt written by 'fangxin sign' or 'fangxin",
        "demo' (receipt-N.json: it is laid out for the chosen paper first), or a raw ESC/POS",
        "byte stream (any other file), as captured from a POS application."
      },
      footer = {
        "",
        "Examples:",
        "  fangxin receipt preview fangxin-demo/receipt-1.json",
        "  fangxin receipt preview --paper 80 --raster --copy --out copy.png receipt-1.json",
        "  fangxin receipt preview --paper 58 capture.bin"
      })
  static final class Preview implements Callable<Integer> {
    private static final long MAX_INPUT = 1 << 20;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "receipt-N.json or ESC/POS bytes")
    Path input;

    @Option(
        names = "--paper",
        paramLabel = "MM",
        defaultValue = "58",
        description = "Paper width: 58 or 80 (default: ${DEFAULT-VALUE}).")
    int paper;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "The PNG to write (default: INPUT with .png, or -preview.png for JSON).")
    Path out;

    @Option(
        names = "--escpos-out",
        paramLabel = "FILE",
        description = "Also write the ESC/POS bytes laid out from a receipt JSON.")
    Path escposOut;

    @Option(
        names = "--raster",
        description = "Print the QR code as a raster image (for printers without native QR).")
    boolean raster;

    @Option(names = "--copy", description = "Mark the receipt as a reprint (COPY / 副本).")
    boolean copy;

    @Option(
        names = "--zone",
        paramLabel = "ZONE",
        defaultValue = "Asia/Shanghai",
        description = "Time zone for the printed time (default: ${DEFAULT-VALUE}).")
    String zone;

    @Override
    public Integer call() throws Exception {
      PrintWriter stdout = spec.commandLine().getOut();
      if (paper != 58 && paper != 80) {
        throw new UserException("--paper must be 58 or 80, got " + paper);
      }
      try {
        ZoneId.of(zone);
      } catch (java.time.DateTimeException e) {
        throw new UserException("--zone: unknown time zone " + zone + " (e.g. Asia/Shanghai)");
      }
      if (!Files.isRegularFile(input)) {
        throw new UserException("no such file: " + input);
      }
      if (Files.size(input) > MAX_INPUT) {
        throw new UserException("the input is larger than " + MAX_INPUT + " bytes");
      }
      byte[] bytes = Files.readAllBytes(input);
      boolean json = input.getFileName().toString().endsWith(".json");
      byte[] escpos = json ? layout(bytes) : bytes;
      if (escposOut != null) {
        Files.write(escposOut, escpos);
      }
      VirtualPrinter printer =
          paper == 58 ? VirtualPrinter.paper58mm() : VirtualPrinter.paper80mm();
      RenderedPaper rendered = printer.render(escpos);
      Path png = out != null ? out : defaultOut(json);
      Files.write(png, rendered.toPng());
      stdout.printf(
          "Rendered %d bytes of ESC/POS on %d mm paper: %d x %d dots, %d text lines, %d QR codes.%n",
          escpos.length,
          paper,
          rendered.width(),
          rendered.height(),
          rendered.textLines().size(),
          rendered.qrPayloads().size());
      for (String qr : rendered.qrPayloads()) {
        stdout.printf("QR: %s%n", qr);
      }
      if (rendered.qrPayloads().isEmpty()) {
        // A raster QR is just an image to the printer: read it back as a phone would.
        try {
          stdout.printf("QR (read from the image): %s%n", QrImageDecoder.decode(png));
        } catch (QrException e) {
          stdout.println("No QR code could be read from the image.");
        }
      }
      stdout.printf("Preview: %s%n", png);
      return 0;
    }

    private Path defaultOut(boolean json) {
      return KeygenCommand.sibling(input, json ? "-preview.png" : ".png");
    }

    private byte[] layout(byte[] jsonBytes) {
      JsonObject root;
      try {
        root =
            JsonParser.parseString(new String(jsonBytes, StandardCharsets.UTF_8)).getAsJsonObject();
      } catch (JsonParseException | IllegalStateException e) {
        throw new UserException(input + " is not a receipt written by 'fangxin sign' (not JSON)");
      }
      if (!root.has("signed_receipt_base64") || !root.has("dispute_link")) {
        throw new UserException(
            input + " is not a receipt written by 'fangxin sign' (no signed_receipt_base64)");
      }
      SignedReceipt receipt;
      try {
        receipt =
            SignedReceipt.fromProto(
                dev.fangxin.protocol.v1.SignedReceipt.parseFrom(
                    Base64.getDecoder().decode(root.get("signed_receipt_base64").getAsString())));
      } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
        throw new UserException(input + ": signed_receipt_base64 is not a signed receipt");
      }
      String base = DisputeLink.parse(root.get("dispute_link").getAsString()).base();
      PrinterProfile profile = paper == 58 ? PrinterProfile.mm58() : PrinterProfile.mm80();
      profile = profile.toBuilder().nativeQr(!raster).build();
      String merchant = receipt.claim().getMerchantName();
      ReceiptLayout.Header header =
          ReceiptLayout.Header.of(merchant.isEmpty() ? "Fangxin" : merchant);
      return ReceiptLayout.fromSignedReceipt(
              profile, receipt, base, ZoneId.of(zone), header, List.of())
          .toBuilder()
          .copy(copy)
          .build()
          .toBytes();
    }
  }
}
