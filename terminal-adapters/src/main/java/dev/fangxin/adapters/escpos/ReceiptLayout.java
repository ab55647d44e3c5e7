package dev.fangxin.adapters.escpos;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.escpos.EscPos.Justification;
import dev.fangxin.adapters.escpos.PrinterProfile.CodePage;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.money.MoneyException;
import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import dev.fangxin.core.qr.QrException;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.protocol.v1.ReceiptClaim;
import dev.fangxin.protocol.v1.TransactionType;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole receipt for one {@link PrinterProfile}: merchant header, items, totals, payment details,
 * the dispute QR with its caption, and an optional COPY marker; {@link #toBytes()} lays it out as
 * one ESC/POS job. Immutable and thread-safe.
 *
 * <p>Layout, top to bottom: {@code ESC @}; the COPY marker if {@link Builder#copy(boolean)} (bold,
 * double width and height, centred); the merchant name (bold, double height, centred) and its
 * address/phone lines (centred); a rule; items (a single item as name left, total right; more than
 * one as the name, then {@code " qty x price"} left and the line total right); a rule; totals
 * (bold), if any, and a rule; payment details (the amount bold); a rule; the QR code, centred, with
 * the caption {@value #CAPTION_ZH} then {@value #CAPTION_EN}, each centred on its own line; the
 * COPY marker again; {@code ESC d n} and the profile's cut.
 *
 * <p>Columns: lines are laid out in Font A columns, an ASCII character taking one and any other
 * character two ({@link EscPos#columns(String)}). Money lines put the label left and the amount
 * right, padded with spaces; a label too long for the line wraps (at a space when it can), and the
 * amount goes on the label's last line if it fits there, else on a line of its own, right-aligned.
 * Payment details other than the amount are printed compactly as {@code "label: value"} (no padding
 * bytes) when that fits one line, else laid out like money lines. Nothing is cut off. A rule is a
 * line of dashes at double width (half the bytes of plain dashes). On a GB18030 profile labels are
 * bilingual ({@code "金额 Amount"}); on an ASCII profile they are English only, and Chinese text
 * given by the caller (a merchant name) is refused with {@code UNSUPPORTED}.
 *
 * <p>Size: with a native QR code a receipt like the one in the tests (two items, every payment
 * detail, a 176-character link) is under 1 KiB on both papers; with a raster QR code it is about 12
 * KB on 58 mm and 23 KB on 80 mm, which matters on a 9600-baud serial line (about 10 and 20 s).
 *
 * <p>QR: the link is encoded at level M. With {@link PrinterProfile#nativeQr()} it is sent as
 * {@code GS ( k} (model 2, module size, level M, store, print; about 200 bytes); otherwise it is
 * rendered with {@link QrCode} into a {@code GS v 0} raster with a 4-module quiet zone, centred by
 * white padding on the left. Either way the module size is the profile's, stepped down while the
 * code and its quiet zone are wider than the paper, never below {@link
 * PrinterProfile#MIN_QR_MODULE_SIZE}.
 */
public final class ReceiptLayout {
  /** The Chinese caption line under the QR code. */
  public static final String CAPTION_ZH = "扫码一键和解";

  /** The English caption line under the QR code. */
  public static final String CAPTION_EN = "Scan to resolve a problem";

  /** The reprint marker on a GB18030 profile. */
  public static final String COPY_MARKER = "COPY / 副本";

  /** The reprint marker on an ASCII profile. */
  public static final String COPY_MARKER_ASCII = "COPY";

  /** The quiet zone of a raster QR code, in modules (ISO/IEC 18004 asks for 4). */
  public static final int QR_QUIET_ZONE = 4;

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final PrinterProfile profile;
  private final Header header;
  private final List<Item> items;
  private final List<TotalLine> totals;
  private final Payment payment;
  private final String disputeLink;
  private final boolean copy;

  private ReceiptLayout(Builder b) {
    this.profile = b.profile;
    this.header = b.header;
    this.items = List.copyOf(b.items);
    this.totals = List.copyOf(b.totals);
    this.payment = b.payment;
    this.disputeLink = b.disputeLink;
    this.copy = b.copy;
  }

  /** A builder for a receipt on {@code profile}. */
  public static Builder builder(PrinterProfile profile) {
    return new Builder(requireNonNull(profile, "profile == null"));
  }

  /**
   * The receipt of {@code receipt}: amount, type, time (shown in {@code zone}), masked card number,
   * MID/TID, trace (STAN, RRN, settlement date), receipt number, sequence and key ID are read from
   * its signed claim, and the QR holds {@code receipt.link(linkBase)}. The signed amount is printed
   * once, bold, in the payment details; add total lines (subtotal, discount) with {@code
   * toBuilder().total(...)}, and a COPY marker for a reprint with {@code toBuilder().copy(true)}.
   *
   * @throws dev.fangxin.core.token.TokenException if {@code linkBase} is not a valid link base
   */
  public static ReceiptLayout fromSignedReceipt(
      PrinterProfile profile,
      SignedReceipt receipt,
      String linkBase,
      ZoneId zone,
      Header header,
      List<Item> items) {
    requireNonNull(receipt, "receipt == null");
    requireNonNull(linkBase, "linkBase == null");
    requireNonNull(zone, "zone == null");
    ReceiptClaim claim = receipt.claim();
    Payment.Builder payment =
        Payment.builder()
            .type(receipt.disputeClaim().type())
            .amount(receipt.disputeClaim().amount())
            .time(receipt.disputeClaim().issuedAt(), zone)
            .sequence(receipt.sequence())
            .keyId(receipt.keyId().toHex());
    if (!claim.getMaskedPan().isEmpty()) {
      payment.maskedPan(claim.getMaskedPan());
    }
    if (!claim.getTool().getMerchantNumber().isEmpty()) {
      payment.merchantNumber(claim.getTool().getMerchantNumber());
    }
    if (!claim.getTool().getTerminalId().isEmpty()) {
      payment.terminalId(claim.getTool().getTerminalId());
    }
    if (!claim.getTool().getCollectionCodeId().isEmpty()) {
      payment.collectionCodeId(claim.getTool().getCollectionCodeId());
    }
    if (!claim.getTrace().getStan().isEmpty()) {
      payment.stan(claim.getTrace().getStan());
    }
    if (!claim.getTrace().getRrn().isEmpty()) {
      payment.rrn(claim.getTrace().getRrn());
    }
    if (!claim.getTrace().getSettlementDate().isEmpty()) {
      payment.settlementDate(claim.getTrace().getSettlementDate());
    }
    if (!claim.getTrace().getVoucherNumber().isEmpty()) {
      payment.voucherNumber(claim.getTrace().getVoucherNumber());
    }
    if (!claim.getReceiptNumber().isEmpty()) {
      payment.receiptNumber(claim.getReceiptNumber());
    }
    Builder b = builder(profile).header(header).payment(payment.build());
    for (Item item : requireNonNull(items, "items == null")) {
      b.item(item);
    }
    return b.disputeLink(receipt.link(linkBase).toString()).build();
  }

  /** A builder holding this receipt's values. */
  public Builder toBuilder() {
    Builder b = new Builder(profile);
    b.header = header;
    b.items.addAll(items);
    b.totals.addAll(totals);
    b.payment = payment;
    b.disputeLink = disputeLink;
    b.copy = copy;
    return b;
  }

  public PrinterProfile profile() {
    return profile;
  }

  /** The text the QR code holds. */
  public String disputeLink() {
    return disputeLink;
  }

  /** Whether this is a reprint carrying the COPY marker at top and bottom. */
  public boolean copy() {
    return copy;
  }

  /**
   * Lays the receipt out as one ESC/POS job for the profile.
   *
   * @throws PrinterException {@code UNSUPPORTED} if text cannot be printed in the profile's code
   *     page; {@code LAYOUT} if the QR code does not fit the paper even at the smallest module size
   */
  public byte[] toBytes() {
    Writer w = new Writer(profile);
    w.raw(EscPos.initialize());
    if (copy) {
      w.copyMarker();
    }
    w.raw(EscPos.align(Justification.CENTER));
    w.raw(EscPos.bold(true));
    w.raw(EscPos.size(1, 2));
    for (String line : wrap(header.name(), profile.columns())) {
      w.line(line);
    }
    w.raw(EscPos.size(1, 1));
    w.raw(EscPos.bold(false));
    for (String extra : header.lines()) {
      for (String line : wrap(extra, profile.columns())) {
        w.line(line);
      }
    }
    w.raw(EscPos.align(Justification.LEFT));
    w.separator();
    if (!items.isEmpty()) {
      for (Item item : items) {
        if (item.quantity() == 1) {
          w.pair(item.name(), item.lineTotal().toDecimalString());
          continue;
        }
        for (String line : wrap(item.name(), profile.columns())) {
          w.line(line);
        }
        w.pair(
            "  " + item.quantity() + " x " + item.unitPrice().toDecimalString(),
            item.lineTotal().toDecimalString());
      }
      w.separator();
    }
    if (!totals.isEmpty()) {
      w.raw(EscPos.bold(true));
      for (TotalLine t : totals) {
        w.pair(t.label, money(t.amount));
      }
      w.raw(EscPos.bold(false));
      w.separator();
    }
    if (payment != null) {
      payment.writeTo(w, profile);
      w.separator();
    }
    w.qr(disputeLink);
    w.raw(EscPos.align(Justification.CENTER));
    if (profile.codePage() == CodePage.GB18030) {
      w.line(CAPTION_ZH);
    }
    w.line(CAPTION_EN);
    w.raw(EscPos.align(Justification.LEFT));
    if (copy) {
      w.copyMarker();
    }
    w.raw(EscPos.feedLines(profile.feedLinesBeforeCut()));
    w.raw(EscPos.cut(profile.cutter()));
    return w.toByteArray();
  }

  @Override
  public String toString() {
    return "ReceiptLayout{"
        + header.name()
        + ", "
        + items.size()
        + " items, "
        + profile
        + (copy ? ", COPY" : "")
        + "}";
  }

  static String label(PrinterProfile profile, String zh, String en) {
    return profile.codePage() == CodePage.GB18030 ? zh + " " + en : en;
  }

  static String money(Money amount) {
    return amount.currencyCode() + " " + amount.toDecimalString();
  }

  /**
   * Splits {@code text} into lines of at most {@code columns} columns, breaking at the last space
   * of a line when there is one, else between characters (never inside a character). Spaces at a
   * break are dropped. An empty text gives one empty line.
   */
  static List<String> wrap(String text, int columns) {
    List<String> lines = new ArrayList<>();
    String rest = text;
    while (EscPos.columns(rest) > columns) {
      int used = 0;
      int cut = 0;
      int lastSpace = -1;
      while (cut < rest.length()) {
        int cp = rest.codePointAt(cut);
        int w = cp >= 0x20 && cp <= 0x7E ? 1 : 2;
        if (used + w > columns) {
          break;
        }
        if (cp == ' ') {
          lastSpace = cut;
        }
        used += w;
        cut += Character.charCount(cp);
      }
      boolean breakAtSpace = cut < rest.length() && rest.charAt(cut) == ' ';
      int end = breakAtSpace ? cut : (lastSpace > 0 ? lastSpace : cut);
      if (end == 0) {
        // A single character wider than the line: it gets a line of its own.
        end = Character.charCount(rest.codePointAt(0));
      }
      lines.add(stripTrailing(rest.substring(0, end)));
      rest = stripLeading(rest.substring(end));
    }
    if (!rest.isEmpty() || lines.isEmpty()) {
      lines.add(rest);
    }
    return lines;
  }

  /**
   * Lays out a label/value pair in {@code columns}: label left, value right, see the class
   * documentation.
   */
  static List<String> pair(String label, String value, int columns) {
    int valueWidth = EscPos.columns(value);
    List<String> lines = new ArrayList<>();
    List<String> labelLines = wrap(label, columns);
    String last = labelLines.get(labelLines.size() - 1);
    lines.addAll(labelLines.subList(0, labelLines.size() - 1));
    int lastWidth = EscPos.columns(last);
    if (lastWidth + 1 + valueWidth <= columns) {
      lines.add(last + " ".repeat(columns - lastWidth - valueWidth) + value);
    } else {
      lines.add(last);
      for (String v : wrap(value, columns)) {
        lines.add(" ".repeat(columns - EscPos.columns(v)) + v);
      }
    }
    return lines;
  }

  private static String stripTrailing(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(0, end);
  }

  private static String stripLeading(String s) {
    int start = 0;
    while (start < s.length() && s.charAt(start) == ' ') {
      start++;
    }
    return s.substring(start);
  }

  /** Accumulates the job's bytes. */
  private static final class Writer {
    private final PrinterProfile profile;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);

    Writer(PrinterProfile profile) {
      this.profile = profile;
    }

    void raw(byte[] bytes) {
      out.write(bytes, 0, bytes.length);
    }

    void line(String text) {
      raw(EscPos.text(text, profile.codePage()));
      raw(EscPos.lineFeed());
    }

    /**
     * A rule across the paper: dashes at double width, so half as many bytes as a line of plain
     * dashes.
     */
    void separator() {
      raw(EscPos.size(2, 1));
      line("-".repeat(profile.columns() / 2));
      raw(EscPos.size(1, 1));
    }

    /**
     * {@code "label: value"} when it fits one line (no padding bytes), else a {@link #pair} with
     * the value on the right.
     */
    void detail(String label, String value) {
      String compact = label + ": " + value;
      if (EscPos.columns(compact) <= profile.columns()) {
        line(compact);
      } else {
        pair(label, value);
      }
    }

    void pair(String label, String value) {
      for (String line : ReceiptLayout.pair(label, value, profile.columns())) {
        line(line);
      }
    }

    void copyMarker() {
      String marker = profile.codePage() == CodePage.GB18030 ? COPY_MARKER : COPY_MARKER_ASCII;
      raw(EscPos.align(Justification.CENTER));
      raw(EscPos.bold(true));
      raw(EscPos.size(2, 2));
      for (String line : wrap(marker, profile.columns() / 2)) {
        line(line);
      }
      raw(EscPos.size(1, 1));
      raw(EscPos.bold(false));
      raw(EscPos.align(Justification.LEFT));
    }

    void qr(String link) {
      QrCode qr;
      try {
        qr = QrCode.encode(link, ErrorCorrection.M);
      } catch (QrException e) {
        throw new PrinterException(
            PrinterException.Reason.LAYOUT,
            "the dispute link cannot be a QR code: " + e.getMessage(),
            e);
      }
      int modules = qr.size() + 2 * QR_QUIET_ZONE;
      int module = profile.qrModuleSize();
      while (modules * module > profile.dotsPerLine()
          && module > PrinterProfile.MIN_QR_MODULE_SIZE) {
        module--;
      }
      if (modules * module > profile.dotsPerLine()) {
        throw new PrinterException(
            PrinterException.Reason.LAYOUT,
            "the dispute link makes a version-"
                + qr.version()
                + " QR code, "
                + modules
                + " modules across with its quiet zone; at the smallest module size of "
                + module
                + " dots that is "
                + modules * module
                + " dots, wider than the paper's "
                + profile.dotsPerLine()
                + "; shorten the link");
      }
      if (profile.nativeQr()) {
        raw(EscPos.align(Justification.CENTER));
        raw(EscPos.qr(link, module, ErrorCorrection.M));
      } else {
        int pad = (profile.dotsPerLine() - modules * module) / 2;
        raw(EscPos.align(Justification.LEFT));
        raw(EscPos.rasterImage(RasterImage.ofQr(qr, module, QR_QUIET_ZONE, pad)));
      }
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** One label/amount line of the totals. */
  private static final class TotalLine {
    final String label;
    final Money amount;

    TotalLine(String label, Money amount) {
      this.label = label;
      this.amount = amount;
    }
  }

  /** The merchant's name and optional address and phone lines. Immutable. */
  public static final class Header {
    private final String name;
    private final List<String> lines;

    private Header(String name, List<String> lines) {
      this.name = name;
      this.lines = lines;
    }

    /**
     * A header with the merchant's {@code name} and optional {@code lines} (address, phone).
     *
     * @throws IllegalArgumentException if the name is blank
     */
    public static Header of(String name, String... lines) {
      requireNonNull(name, "name == null");
      requireNonNull(lines, "lines == null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name is blank; a receipt names its merchant");
      }
      List<String> copy = new ArrayList<>();
      for (String line : lines) {
        copy.add(requireNonNull(line, "lines contains null"));
      }
      return new Header(name, List.copyOf(copy));
    }

    public String name() {
      return name;
    }

    /** The address and phone lines: an unmodifiable list. */
    public List<String> lines() {
      return lines;
    }
  }

  /**
   * One sold item: name, whole quantity, unit price and line total (quantity × unit price, computed
   * exactly). Weighed or fractional quantities are not modelled. Immutable.
   */
  public static final class Item {
    private final String name;
    private final long quantity;
    private final Money unitPrice;
    private final Money lineTotal;

    private Item(String name, long quantity, Money unitPrice, Money lineTotal) {
      this.name = name;
      this.quantity = quantity;
      this.unitPrice = unitPrice;
      this.lineTotal = lineTotal;
    }

    /**
     * An item of {@code quantity} (1 or more) at {@code unitPrice}.
     *
     * @throws IllegalArgumentException if the name is blank, the quantity below 1, or the line
     *     total overflows
     */
    public static Item of(String name, long quantity, Money unitPrice) {
      requireNonNull(name, "name == null");
      requireNonNull(unitPrice, "unitPrice == null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name is blank");
      }
      if (quantity < 1) {
        throw new IllegalArgumentException("quantity must be 1 or more, got " + quantity);
      }
      long total;
      try {
        total = Math.multiplyExact(unitPrice.minorUnits(), quantity);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "quantity " + quantity + " x " + unitPrice + " overflows a long", e);
      }
      Money lineTotal;
      try {
        lineTotal = Money.of(total, unitPrice.currency());
      } catch (MoneyException e) {
        throw new IllegalStateException("the currency of a Money is known", e);
      }
      return new Item(name, quantity, unitPrice, lineTotal);
    }

    public String name() {
      return name;
    }

    public long quantity() {
      return quantity;
    }

    public Money unitPrice() {
      return unitPrice;
    }

    /** {@code quantity × unitPrice}. */
    public Money lineTotal() {
      return lineTotal;
    }
  }

  /**
   * The payment details printed under the totals. Type, amount and time are required; the rest is
   * printed when set. Values are printed as given: pass masked card numbers only. Immutable.
   */
  public static final class Payment {
    private final TransactionType type;
    private final Money amount;
    private final Instant time;
    private final ZoneId zone;
    private final String maskedPan;
    private final String merchantNumber;
    private final String terminalId;
    private final String collectionCodeId;
    private final String stan;
    private final String rrn;
    private final String settlementDate;
    private final String voucherNumber;
    private final String receiptNumber;
    private final long sequence;
    private final String keyId;

    private Payment(Builder b) {
      this.type = b.type;
      this.amount = b.amount;
      this.time = b.time;
      this.zone = b.zone;
      this.maskedPan = b.maskedPan;
      this.merchantNumber = b.merchantNumber;
      this.terminalId = b.terminalId;
      this.collectionCodeId = b.collectionCodeId;
      this.stan = b.stan;
      this.rrn = b.rrn;
      this.settlementDate = b.settlementDate;
      this.voucherNumber = b.voucherNumber;
      this.receiptNumber = b.receiptNumber;
      this.sequence = b.sequence;
      this.keyId = b.keyId;
    }

    public static Builder builder() {
      return new Builder();
    }

    public TransactionType type() {
      return type;
    }

    public Money amount() {
      return amount;
    }

    public Instant time() {
      return time;
    }

    /** The zone the time is printed in (the terminal's local zone, e.g. Asia/Shanghai). */
    public ZoneId zone() {
      return zone;
    }

    void writeTo(Writer w, PrinterProfile p) {
      w.detail(label(p, "类型", "Type"), typeLabel(p));
      w.raw(EscPos.bold(true));
      w.pair(label(p, "金额", "Amount"), money(amount));
      w.raw(EscPos.bold(false));
      w.detail(label(p, "时间", "Time"), TIME.format(time.atZone(zone)));
      optional(w, label(p, "卡号", "Card"), maskedPan);
      optional(w, label(p, "商户号", "MID"), merchantNumber);
      optional(w, label(p, "终端号", "TID"), terminalId);
      optional(w, label(p, "收款码", "Code"), collectionCodeId);
      optional(w, label(p, "流水号", "STAN"), stan);
      optional(w, label(p, "参考号", "RRN"), rrn);
      optional(w, label(p, "结算日", "Settle"), settlementDate);
      optional(w, label(p, "凭证号", "Voucher"), voucherNumber);
      optional(w, label(p, "单号", "No."), receiptNumber);
      if (sequence > 0) {
        w.detail(label(p, "序号", "Seq"), Long.toString(sequence));
      }
      optional(w, label(p, "密钥", "Key"), keyId);
    }

    private String typeLabel(PrinterProfile p) {
      return switch (type) {
        case TRANSACTION_TYPE_SALE -> label(p, "消费", "SALE");
        case TRANSACTION_TYPE_REFUND -> label(p, "退货", "REFUND");
        case TRANSACTION_TYPE_VOID -> label(p, "撤销", "VOID");
        case TRANSACTION_TYPE_PRE_AUTH_COMPLETION -> label(p, "预授权完成", "AUTH COMPLETION");
        default -> type.name();
      };
    }

    private static void optional(Writer w, String label, String value) {
      if (value != null) {
        w.detail(label, value);
      }
    }

    /** Collects payment details; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
      private TransactionType type;
      private Money amount;
      private Instant time;
      private ZoneId zone;
      private String maskedPan;
      private String merchantNumber;
      private String terminalId;
      private String collectionCodeId;
      private String stan;
      private String rrn;
      private String settlementDate;
      private String voucherNumber;
      private String receiptNumber;
      private long sequence;
      private String keyId;

      private Builder() {}

      public Builder type(TransactionType type) {
        this.type = requireNonNull(type, "type == null");
        return this;
      }

      public Builder amount(Money amount) {
        this.amount = requireNonNull(amount, "amount == null");
        return this;
      }

      /** The payment time, printed as {@code yyyy-MM-dd HH:mm:ss} in {@code zone}. */
      public Builder time(Instant time, ZoneId zone) {
        this.time = requireNonNull(time, "time == null");
        this.zone = requireNonNull(zone, "zone == null");
        return this;
      }

      /** At most the first 6 and last 4 digits, e.g. {@code 622202******1234}. */
      public Builder maskedPan(String maskedPan) {
        this.maskedPan = requireNonNull(maskedPan, "maskedPan == null");
        return this;
      }

      public Builder merchantNumber(String merchantNumber) {
        this.merchantNumber = requireNonNull(merchantNumber, "merchantNumber == null");
        return this;
      }

      public Builder terminalId(String terminalId) {
        this.terminalId = requireNonNull(terminalId, "terminalId == null");
        return this;
      }

      public Builder collectionCodeId(String collectionCodeId) {
        this.collectionCodeId = requireNonNull(collectionCodeId, "collectionCodeId == null");
        return this;
      }

      public Builder stan(String stan) {
        this.stan = requireNonNull(stan, "stan == null");
        return this;
      }

      public Builder rrn(String rrn) {
        this.rrn = requireNonNull(rrn, "rrn == null");
        return this;
      }

      /** ISO 8583 field 15, {@code MMDD}. */
      public Builder settlementDate(String settlementDate) {
        this.settlementDate = requireNonNull(settlementDate, "settlementDate == null");
        return this;
      }

      public Builder voucherNumber(String voucherNumber) {
        this.voucherNumber = requireNonNull(voucherNumber, "voucherNumber == null");
        return this;
      }

      public Builder receiptNumber(String receiptNumber) {
        this.receiptNumber = requireNonNull(receiptNumber, "receiptNumber == null");
        return this;
      }

      /** The signer's receipt sequence number, 1 or more. */
      public Builder sequence(long sequence) {
        if (sequence < 1) {
          throw new IllegalArgumentException("sequence must be 1 or more, got " + sequence);
        }
        this.sequence = sequence;
        return this;
      }

      /** The signing key's ID in hex (16 characters). */
      public Builder keyId(String keyId) {
        this.keyId = requireNonNull(keyId, "keyId == null");
        return this;
      }

      /**
       * @throws IllegalStateException if type, amount or time is missing
       */
      public Payment build() {
        if (type == null) {
          throw new IllegalStateException("type required");
        }
        if (amount == null) {
          throw new IllegalStateException("amount required");
        }
        if (time == null) {
          throw new IllegalStateException("time required");
        }
        return new Payment(this);
      }
    }
  }

  /** Collects a receipt's parts; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private final PrinterProfile profile;
    private Header header;
    private final List<Item> items = new ArrayList<>();
    private final List<TotalLine> totals = new ArrayList<>();
    private Payment payment;
    private String disputeLink;
    private boolean copy;

    private Builder(PrinterProfile profile) {
      this.profile = profile;
    }

    public Builder header(Header header) {
      this.header = requireNonNull(header, "header == null");
      return this;
    }

    /** Adds an item line. */
    public Builder item(Item item) {
      items.add(requireNonNull(item, "item == null"));
      return this;
    }

    /** Adds a bold total line, e.g. {@code ("合计 Total", CNY 36.00)}. */
    public Builder total(String label, Money amount) {
      requireNonNull(label, "label == null");
      requireNonNull(amount, "amount == null");
      totals.add(new TotalLine(label, amount));
      return this;
    }

    public Builder payment(Payment payment) {
      this.payment = requireNonNull(payment, "payment == null");
      return this;
    }

    /** The text of the QR code: the receipt's dispute link. */
    public Builder disputeLink(String disputeLink) {
      this.disputeLink = requireNonNull(disputeLink, "disputeLink == null");
      return this;
    }

    /** Marks a reprint: "COPY / 副本" in large type at the top and at the bottom. */
    public Builder copy(boolean copy) {
      this.copy = copy;
      return this;
    }

    /**
     * @throws IllegalStateException if the header or the dispute link is missing
     */
    public ReceiptLayout build() {
      if (header == null) {
        throw new IllegalStateException("header required: a receipt names its merchant");
      }
      if (disputeLink == null || disputeLink.isEmpty()) {
        throw new IllegalStateException("disputeLink required: every receipt carries its QR");
      }
      return new ReceiptLayout(this);
    }
  }
}
