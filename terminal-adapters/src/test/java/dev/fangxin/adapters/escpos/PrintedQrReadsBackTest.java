package dev.fangxin.adapters.escpos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.adapters.virtualprinter.VirtualPrinter;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.qr.QrImageDecoder;
import dev.fangxin.core.receipt.ReceiptSigner;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.core.receipt.Transaction;
import dev.fangxin.protocol.v1.TransactionType;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many real receipts (different tokens, so different QR symbols), laid out with native and raster
 * QR on both papers, rendered by the virtual printer: ZXing reads every dispute link back. Guards
 * against the ~1% of symbols ZXing's detector misses without help.
 */
class PrintedQrReadsBackTest {
  @TempDir Path dir;

  @Test
  void everyPrintedLinkReadsBack() throws Exception {
    // A fixed key: Ed25519 is deterministic, so the 100 symbols are the same on every run.
    java.security.SecureRandom seeded = java.security.SecureRandom.getInstance("SHA1PRNG");
    seeded.setSeed(20261129L);
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519, seeded);
    int checked = 0;
    try (ReceiptSigner signer = ReceiptSigner.open(key, dir.resolve("j"))) {
      for (int i = 0; i < 100; i++) {
        SignedReceipt receipt =
            signer.sign(
                Transaction.builder()
                    .type(TransactionType.TRANSACTION_TYPE_SALE)
                    .amount(Money.of(100 + i * 37L, Money.CNY))
                    .time(Instant.ofEpochSecond(1_795_939_200L + i))
                    .acquirer(InstitutionCode.of("48020000"))
                    .merchantNumber(MerchantNumber.of("898330160120001"))
                    .terminalId(TerminalId.of("T0000001"))
                    .maskedPan(MaskedPan.of("622202******1234"))
                    .build());
        String link = receipt.link("https://fx.example.cn/hz").toString();
        for (PrinterProfile base : List.of(PrinterProfile.mm58(), PrinterProfile.mm80())) {
          for (boolean nativeQr : new boolean[] {true, false}) {
            PrinterProfile profile = base.toBuilder().nativeQr(nativeQr).build();
            byte[] job =
                ReceiptLayout.fromSignedReceipt(
                        profile,
                        receipt,
                        "https://fx.example.cn/hz",
                        ZoneId.of("Asia/Shanghai"),
                        ReceiptLayout.Header.of("Fangxin Bistro"),
                        List.of())
                    .toBytes();
            VirtualPrinter printer =
                base.dotsPerLine() == 384 ? VirtualPrinter.paper58mm() : VirtualPrinter.paper80mm();
            byte[] png = printer.render(job).toPng();
            assertThat(QrImageDecoder.decode(png))
                .as("receipt %d, %s, native QR %s", i, base, nativeQr)
                .isEqualTo(link);
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(400);
  }
}
