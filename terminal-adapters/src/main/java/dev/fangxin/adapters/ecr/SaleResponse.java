package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettlementDate;
import dev.fangxin.core.id.Stan;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.id.TransmissionTime;
import dev.fangxin.core.money.Money;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The terminal's result for a {@link SaleRequest}: approved or declined, with the response code and
 * what the terminal and acquirer assigned (masked card number, acquirer institution, MID, TID,
 * STAN, RRN, transmission time, settlement date, authorization code, transaction time).
 *
 * <p>An approved response carries all of them (the receipt and the dispute trace need them); a
 * declined one carries at least the reference, type, response code and amount, and whatever else
 * the terminal knew. Immutable and thread-safe.
 */
public final class SaleResponse implements EcrResponse {
  private final String ecrReference;
  private final TransactionType type;
  private final boolean approved;
  private final String responseCode;
  private final Money amount;
  private final MaskedPan maskedPan;
  private final InstitutionCode acquirer;
  private final MerchantNumber merchant;
  private final TerminalId terminal;
  private final Stan stan;
  private final Rrn rrn;
  private final TransmissionTime transmissionTime;
  private final SettlementDate settlementDate;
  private final String authCode;
  private final Instant transactionTime;

  private SaleResponse(Builder b) {
    this.ecrReference = b.ecrReference;
    this.type = b.type;
    this.approved = b.approved;
    this.responseCode = b.responseCode;
    this.amount = b.amount;
    this.maskedPan = b.maskedPan;
    this.acquirer = b.acquirer;
    this.merchant = b.merchant;
    this.terminal = b.terminal;
    this.stan = b.stan;
    this.rrn = b.rrn;
    this.transmissionTime = b.transmissionTime;
    this.settlementDate = b.settlementDate;
    this.authCode = b.authCode;
    this.transactionTime = b.transactionTime;
  }

  /** A builder; {@link Builder#build()} says what is missing. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this response's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.ecrReference = ecrReference;
    b.type = type;
    b.approved = approved;
    b.responseCode = responseCode;
    b.amount = amount;
    b.maskedPan = maskedPan;
    b.acquirer = acquirer;
    b.merchant = merchant;
    b.terminal = terminal;
    b.stan = stan;
    b.rrn = rrn;
    b.transmissionTime = transmissionTime;
    b.settlementDate = settlementDate;
    b.authCode = authCode;
    b.transactionTime = transactionTime;
    return b;
  }

  /** The ECR reference of the sale request, echoed. */
  @Override
  public String ecrReference() {
    return ecrReference;
  }

  /** The transaction type, echoed. */
  public TransactionType type() {
    return type;
  }

  /** Whether the payment was approved. */
  public boolean approved() {
    return approved;
  }

  /** The two-character response code, {@code "00"} for approved on most acquirers. */
  public String responseCode() {
    return responseCode;
  }

  /** The amount the terminal processed. */
  public Money amount() {
    return amount;
  }

  /** The masked card number. Present when approved. */
  public Optional<MaskedPan> maskedPan() {
    return Optional.ofNullable(maskedPan);
  }

  /** The acquiring institution code. Present when approved. */
  public Optional<InstitutionCode> acquirer() {
    return Optional.ofNullable(acquirer);
  }

  /** The merchant number (MID). Present when approved. */
  public Optional<MerchantNumber> merchant() {
    return Optional.ofNullable(merchant);
  }

  /** The terminal ID (TID). Present when approved. */
  public Optional<TerminalId> terminal() {
    return Optional.ofNullable(terminal);
  }

  /** The system trace audit number. Present when approved. */
  public Optional<Stan> stan() {
    return Optional.ofNullable(stan);
  }

  /** The retrieval reference number. Present when approved. */
  public Optional<Rrn> rrn() {
    return Optional.ofNullable(rrn);
  }

  /** The transmission date and time, {@code MMDDhhmmss}. Present when approved. */
  public Optional<TransmissionTime> transmissionTime() {
    return Optional.ofNullable(transmissionTime);
  }

  /** The settlement date, {@code MMDD}. Present when approved. */
  public Optional<SettlementDate> settlementDate() {
    return Optional.ofNullable(settlementDate);
  }

  /** The six-character authorization code; the empty string when there is none. */
  public String authCode() {
    return authCode;
  }

  /** When the terminal completed the transaction. Present when approved. */
  public Optional<Instant> transactionTime() {
    return Optional.ofNullable(transactionTime);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SaleResponse)) {
      return false;
    }
    SaleResponse r = (SaleResponse) o;
    return r.ecrReference.equals(ecrReference)
        && r.type == type
        && r.approved == approved
        && r.responseCode.equals(responseCode)
        && r.amount.equals(amount)
        && Objects.equals(r.maskedPan, maskedPan)
        && Objects.equals(r.acquirer, acquirer)
        && Objects.equals(r.merchant, merchant)
        && Objects.equals(r.terminal, terminal)
        && Objects.equals(r.stan, stan)
        && Objects.equals(r.rrn, rrn)
        && Objects.equals(r.transmissionTime, transmissionTime)
        && Objects.equals(r.settlementDate, settlementDate)
        && r.authCode.equals(authCode)
        && Objects.equals(r.transactionTime, transactionTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        ecrReference,
        type,
        approved,
        responseCode,
        amount,
        maskedPan,
        acquirer,
        merchant,
        terminal,
        stan,
        rrn,
        transmissionTime,
        settlementDate,
        authCode,
        transactionTime);
  }

  /** Reference, outcome, response code, amount, masked PAN and RRN; safe to log. */
  @Override
  public String toString() {
    return "SaleResponse{"
        + ecrReference
        + ", "
        + (approved ? "approved" : "declined")
        + " "
        + responseCode
        + ", "
        + amount
        + (maskedPan == null ? "" : ", " + maskedPan)
        + (rrn == null ? "" : ", RRN " + rrn)
        + "}";
  }

  /** Builds a {@link SaleResponse}. Not thread-safe. */
  public static final class Builder {
    private String ecrReference;
    private TransactionType type = TransactionType.SALE;
    private Boolean approvedSet;
    private boolean approved;
    private String responseCode;
    private Money amount;
    private MaskedPan maskedPan;
    private InstitutionCode acquirer;
    private MerchantNumber merchant;
    private TerminalId terminal;
    private Stan stan;
    private Rrn rrn;
    private TransmissionTime transmissionTime;
    private SettlementDate settlementDate;
    private String authCode = "";
    private Instant transactionTime;

    private Builder() {}

    /** The echoed ECR reference: 1 to 32 characters from {@code 0-9 A-Z a-z - _}. */
    public Builder ecrReference(String ecrReference) {
      this.ecrReference = Fields.reference(ecrReference);
      return this;
    }

    /** The transaction type. Default {@link TransactionType#SALE}. */
    public Builder type(TransactionType type) {
      this.type = requireNonNull(type, "type == null");
      return this;
    }

    /** Approved with {@code responseCode} (two characters {@code 0-9 A-Z a-z}). */
    public Builder approved(String responseCode) {
      this.responseCode = Fields.alnum(responseCode, 2, "responseCode");
      this.approved = true;
      this.approvedSet = Boolean.TRUE;
      return this;
    }

    /** Declined with {@code responseCode} (two characters {@code 0-9 A-Z a-z}). */
    public Builder declined(String responseCode) {
      this.responseCode = Fields.alnum(responseCode, 2, "responseCode");
      this.approved = false;
      this.approvedSet = Boolean.TRUE;
      return this;
    }

    /** The amount processed; more than zero. */
    public Builder amount(Money amount) {
      requireNonNull(amount, "amount == null");
      if (amount.minorUnits() <= 0) {
        throw new IllegalArgumentException("amount must be more than zero, got " + amount);
      }
      this.amount = amount;
      return this;
    }

    /** The masked card number. */
    public Builder maskedPan(MaskedPan maskedPan) {
      this.maskedPan = requireNonNull(maskedPan, "maskedPan == null");
      return this;
    }

    /** The acquiring institution. */
    public Builder acquirer(InstitutionCode acquirer) {
      this.acquirer = requireNonNull(acquirer, "acquirer == null");
      return this;
    }

    /** The merchant number. */
    public Builder merchant(MerchantNumber merchant) {
      this.merchant = requireNonNull(merchant, "merchant == null");
      return this;
    }

    /** The terminal ID. */
    public Builder terminal(TerminalId terminal) {
      this.terminal = requireNonNull(terminal, "terminal == null");
      return this;
    }

    /** The STAN. */
    public Builder stan(Stan stan) {
      this.stan = requireNonNull(stan, "stan == null");
      return this;
    }

    /** The RRN. */
    public Builder rrn(Rrn rrn) {
      this.rrn = requireNonNull(rrn, "rrn == null");
      return this;
    }

    /** The transmission time. */
    public Builder transmissionTime(TransmissionTime transmissionTime) {
      this.transmissionTime = requireNonNull(transmissionTime, "transmissionTime == null");
      return this;
    }

    /** The settlement date. */
    public Builder settlementDate(SettlementDate settlementDate) {
      this.settlementDate = requireNonNull(settlementDate, "settlementDate == null");
      return this;
    }

    /** The authorization code: six characters {@code 0-9 A-Z a-z}. */
    public Builder authCode(String authCode) {
      this.authCode = Fields.alnum(authCode, 6, "authCode");
      return this;
    }

    /** When the transaction completed. */
    public Builder transactionTime(Instant transactionTime) {
      this.transactionTime = requireNonNull(transactionTime, "transactionTime == null");
      return this;
    }

    /**
     * The response.
     *
     * @throws IllegalStateException naming every missing field
     */
    public SaleResponse build() {
      List<String> missing = new ArrayList<>();
      if (ecrReference == null) {
        missing.add("ecrReference");
      }
      if (approvedSet == null) {
        missing.add("approved(code) or declined(code)");
      }
      if (amount == null) {
        missing.add("amount");
      }
      if (approved) {
        check(maskedPan, "maskedPan", missing);
        check(acquirer, "acquirer", missing);
        check(merchant, "merchant", missing);
        check(terminal, "terminal", missing);
        check(stan, "stan", missing);
        check(rrn, "rrn", missing);
        check(transmissionTime, "transmissionTime", missing);
        check(settlementDate, "settlementDate", missing);
        check(authCode.isEmpty() ? null : authCode, "authCode", missing);
        check(transactionTime, "transactionTime", missing);
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            (approved ? "Approved sale response" : "Sale response")
                + " is missing: "
                + String.join(", ", missing)
                + ".");
      }
      return new SaleResponse(this);
    }

    private static void check(Object value, String name, List<String> missing) {
      if (value == null) {
        missing.add(name);
      }
    }
  }
}
