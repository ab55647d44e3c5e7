package dev.fangxin.core.receipt;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.money.Money;
import dev.fangxin.protocol.v1.TransactionType;
import java.time.Instant;

/** Shared test transactions. */
final class Fixtures {
  private Fixtures() {}

  static Transaction sale(long minorUnits) {
    return Transaction.builder()
        .type(TransactionType.TRANSACTION_TYPE_SALE)
        .amount(Money.of(minorUnits, Money.CNY))
        .time(Instant.ofEpochSecond(1_795_939_200L))
        .acquirer(InstitutionCode.of("48020000"))
        .merchantNumber(MerchantNumber.of("898330160120001"))
        .terminalId(TerminalId.of("T0000001"))
        .maskedPan(MaskedPan.of("622202******1234"))
        .receiptNumber("000001")
        .merchantName("放心小馆")
        .build();
  }
}
