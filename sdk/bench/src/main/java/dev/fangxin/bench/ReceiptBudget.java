package dev.fangxin.bench;

import dev.fangxin.adapters.escpos.PrinterProfile;
import dev.fangxin.adapters.escpos.ReceiptLayout;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettleKey;
import dev.fangxin.core.id.SettlementDate;
import dev.fangxin.core.id.Stan;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.id.TransmissionTime;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.receipt.ReceiptSigner;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.core.receipt.Transaction;
import dev.fangxin.protocol.v1.TransactionType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * Prints the bytes a receipt takes on the wire (native QR and raster fallback, 58 and 80 mm) and
 * the line time they need at 9,600 and 115,200 baud (10 bits a byte: start, 8 data, stop).
 *
 * <pre>java -cp sdk/bench/target/benchmarks.jar dev.fangxin.bench.ReceiptBudget</pre>
 */
public final class ReceiptBudget {
  static final String BASE = "https://fx.example.cn/hz";
  static final ReceiptLayout.Header HEADER =
      ReceiptLayout.Header.of("放心小馆 Fangxin Bistro", "杭州市西湖区文三路 1 号", "0571-8888 0000");
  static final List<ReceiptLayout.Item> ITEMS =
      List.of(
          ReceiptLayout.Item.of("龙井茶 Longjing tea", 2, Money.of(3_200, Money.CNY)),
          ReceiptLayout.Item.of("小笼包 Xiaolongbao", 1, Money.of(6_400, Money.CNY)));

  private ReceiptBudget() {}

  static Transaction sale() {
    InstitutionCode acquirer = InstitutionCode.of("48020000");
    return Transaction.builder()
        .type(TransactionType.TRANSACTION_TYPE_SALE)
        .amount(Money.of(12_800, Money.CNY))
        .time(Instant.parse("2026-11-29T01:02:03Z"))
        .acquirer(acquirer)
        .merchantNumber(MerchantNumber.of("898330160120001"))
        .terminalId(TerminalId.of("T0000001"))
        .maskedPan(MaskedPan.of("622202******1234"))
        .trace(
            DurableTrace.of(
                SettleKey.of(
                    acquirer, acquirer, Stan.of("000123"), TransmissionTime.of("1129090203")),
                SettlementDate.of("1129"),
                2026))
        .rrn(Rrn.of("000000000123"))
        .receiptNumber("000123")
        .merchantName("放心小馆 Fangxin Bistro")
        .build();
  }

  static ReceiptLayout layout(SignedReceipt receipt, PrinterProfile profile) {
    return ReceiptLayout.fromSignedReceipt(
        profile, receipt, BASE, ZoneId.of("Asia/Shanghai"), HEADER, ITEMS);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("fx-budget");
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    SignedReceipt receipt;
    try (ReceiptSigner signer = ReceiptSigner.open(key, dir.resolve("budget.journal"))) {
      receipt = signer.sign(sale());
    }
    System.out.println("| paper | QR | bytes | at 9,600 baud | at 115,200 baud |");
    System.out.println("| --- | --- | --- | --- | --- |");
    for (PrinterProfile base :
        new PrinterProfile[] {PrinterProfile.mm58(), PrinterProfile.mm80()}) {
      for (boolean nativeQr : new boolean[] {true, false}) {
        PrinterProfile profile = base.toBuilder().nativeQr(nativeQr).build();
        int bytes = layout(receipt, profile).toBytes().length;
        System.out.printf(
            "| %d mm | %s | %,d | %.2f s | %.1f ms |%n",
            profile.paperWidthMm(),
            nativeQr ? "native (GS ( k)" : "raster (GS v 0)",
            bytes,
            bytes * 10 / 9_600.0,
            bytes * 10 / 115_200.0 * 1000);
      }
    }
  }
}
