package dev.fangxin.gateway.clearing.file;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.FangxinException;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettleKey;
import dev.fangxin.core.id.SettlementDate;
import dev.fangxin.core.id.Stan;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.id.TransmissionTime;
import dev.fangxin.core.id.VoucherNumber;
import dev.fangxin.core.money.Money;
import dev.fangxin.gateway.clearing.file.ClearingFileException.Reason;
import dev.fangxin.gateway.clearing.file.ClearingFileFormat.Column;
import dev.fangxin.protocol.v1.ToolType;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * Reads a clearing file ({@code protocol/SPEC.md} section 14) as a stream, one record at a time, in
 * memory bounded by one read buffer and one line, however large the file.
 *
 * <p>Every field of every line is validated as it is read; the first problem is thrown as a {@link
 * ClearingFileException} naming the 1-based line and the field. When the trailer is reached its
 * record count, total amount and CRC-32C are checked against what was read, and the stream must end
 * right after it. A file is therefore known to be valid only once {@link #next()} has returned
 * null; a caller that must not act on a half-valid file reads it to the end first (see {@link
 * #validate}).
 *
 * <p>Card numbers are masked ({@link MaskedPan#mask}) as they are read; the reader keeps no full
 * card number beyond the line buffer it is overwriting, and its errors never contain one.
 *
 * <p>Not thread-safe: one thread reads one reader. Closing the reader closes the stream.
 */
public final class ClearingFileReader implements Closeable {
  private static final ZoneOffset UTC_PLUS_8 = ZoneOffset.ofHours(8);
  private static final int BUFFER = 1 << 16;
  private static final long MAX_TOTAL = 999_999_999_999_999_999L;

  private final InputStream in;
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private int lim;
  private boolean eof;
  private long bytesRead;
  private final byte[] line = new byte[ClearingFileFormat.DETAIL_LENGTH];
  private int lineLength;
  private long lineNumber;
  private final CRC32C crc = new CRC32C();
  private final MessageDigest sha256;
  private final boolean[] knownCurrency = new boolean[1000];
  private final ClearingFileHeader header;
  private long count;
  private long total;
  private boolean finished;

  private ClearingFileReader(InputStream in, boolean digest) {
    this.in = in;
    if (digest) {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is not available", e);
      }
    } else {
      sha256 = null;
    }
    this.header = readHeader();
  }

  /**
   * Opens a reader on {@code in} and reads the header.
   *
   * @param digestFile whether to compute the SHA-256 of the whole stream ({@link #fileSha256()})
   * @throws ClearingFileException if the header is missing or invalid
   */
  public static ClearingFileReader open(InputStream in, boolean digestFile) {
    return new ClearingFileReader(requireNonNull(in, "in == null"), digestFile);
  }

  /** What a whole-file validation found. */
  public static final class Summary {
    private final ClearingFileHeader header;
    private final long records;
    private final long totalAmount;
    private final long lines;
    private final byte[] sha256;

    Summary(ClearingFileHeader header, long records, long totalAmount, long lines, byte[] sha256) {
      this.header = header;
      this.records = records;
      this.totalAmount = totalAmount;
      this.lines = lines;
      this.sha256 = sha256;
    }

    /** The header. */
    public ClearingFileHeader header() {
      return header;
    }

    /** The number of detail records, as the trailer states and the file holds. */
    public long records() {
      return records;
    }

    /** The sum of the detail amounts in minor units. */
    public long totalAmount() {
      return totalAmount;
    }

    /** The number of lines, header and trailer included. */
    public long lines() {
      return lines;
    }

    /** The SHA-256 of the whole file, a fresh copy. */
    public byte[] sha256() {
      return sha256.clone();
    }
  }

  /**
   * Reads {@code in} to its end, validating every record and the trailer, and returns what it
   * found. {@code onRecord} is called for every detail record (with its line number) and may
   * inspect it; {@code onBytes} receives the running count of bytes read every 64 KiB. Closes
   * nothing.
   *
   * @throws ClearingFileException at the first problem
   */
  public static Summary validate(
      InputStream in, RecordVisitor onRecord, java.util.function.LongConsumer onBytes) {
    ClearingFileReader reader = open(in, true);
    ClearingRecord r;
    long reported = 0;
    while ((r = reader.next()) != null) {
      onRecord.visit(r, reader.lineNumber());
      if (reader.bytesRead - reported >= BUFFER) {
        reported = reader.bytesRead;
        onBytes.accept(reported);
      }
    }
    onBytes.accept(reader.bytesRead);
    return reader.summary();
  }

  /** Receives each detail record during {@link #validate}. */
  @FunctionalInterface
  public interface RecordVisitor {
    /** Called with a validated record and its 1-based line number. */
    void visit(ClearingRecord record, long line);
  }

  /** The header, read when the reader was opened. */
  public ClearingFileHeader header() {
    return header;
  }

  /** The 1-based number of the line last read. */
  public long lineNumber() {
    return lineNumber;
  }

  /** The number of bytes read from the stream so far. */
  public long bytesRead() {
    return bytesRead;
  }

  /**
   * Returns the next detail record, or null once the trailer has been read and checked and the
   * stream has ended.
   *
   * @throws ClearingFileException at the first problem in the file
   */
  public ClearingRecord next() {
    if (finished) {
      return null;
    }
    if (!readLine()) {
      throw new ClearingFileException(
          Reason.TRUNCATED,
          lineNumber + 1,
          "",
          "the file ends after line " + lineNumber + " without a trailer record");
    }
    byte type = line[0];
    if (type == 'D') {
      ClearingRecord r = parseDetail();
      crc.update(line, 0, lineLength);
      crc.update('\n');
      count++;
      total += r.amount().minorUnits();
      if (total > MAX_TOTAL) {
        throw new ClearingFileException(
            Reason.INVALID_FIELD,
            lineNumber,
            Column.AMOUNT.fieldName(),
            "the running total of amounts exceeds the trailer's 18 digits");
      }
      return r;
    }
    if (type == 'T') {
      readTrailer();
      finished = true;
      return null;
    }
    if (type == 'H') {
      throw malformed("a second header record; expected a detail ('D') or trailer ('T') record");
    }
    throw malformed(
        "unknown record type "
            + describe(type)
            + "; expected a detail ('D') or trailer ('T') record");
  }

  /**
   * What the whole file held; available once {@link #next()} has returned null.
   *
   * @throws IllegalStateException if the trailer has not been read yet
   */
  public Summary summary() {
    if (!finished) {
      throw new IllegalStateException("the trailer has not been read yet");
    }
    byte[] digest = sha256 == null ? new byte[0] : sha256.digest();
    return new Summary(header, count, total, lineNumber, digest);
  }

  /** The SHA-256 of the whole stream, once the trailer has been read; empty if not computed. */
  public byte[] fileSha256() {
    return summary().sha256();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  // --- lines ---

  private boolean fill() {
    if (eof) {
      return false;
    }
    try {
      int n = in.read(buf, 0, BUFFER);
      while (n == 0) {
        n = in.read(buf, 0, BUFFER);
      }
      if (n < 0) {
        eof = true;
        return false;
      }
      pos = 0;
      lim = n;
      bytesRead += n;
      if (sha256 != null) {
        sha256.update(buf, 0, n);
      }
      return true;
    } catch (IOException e) {
      throw new ClearingFileException(
          Reason.IO_FAILED, lineNumber + 1, "", "could not read the file: " + e.getMessage(), e);
    }
  }

  /** Reads the next line into {@link #line}; false at the end of the stream before any byte. */
  private boolean readLine() {
    int n = 0;
    while (true) {
      if (pos == lim && !fill()) {
        if (n == 0) {
          return false;
        }
        lineNumber++;
        throw new ClearingFileException(
            Reason.TRUNCATED,
            lineNumber,
            "",
            "the last line has no line feed: the file is truncated");
      }
      byte b = buf[pos++];
      if (b == '\n') {
        lineNumber++;
        lineLength = n;
        if (n == 0) {
          throw new ClearingFileException(Reason.MALFORMED_LINE, lineNumber, "", "empty line");
        }
        return true;
      }
      if (n == line.length) {
        lineNumber++;
        throw new ClearingFileException(
            Reason.MALFORMED_LINE,
            lineNumber,
            "",
            "line is longer than the longest record ("
                + ClearingFileFormat.DETAIL_LENGTH
                + " characters)");
      }
      line[n++] = b;
    }
  }

  private ClearingFileException malformed(String message) {
    return new ClearingFileException(Reason.MALFORMED_LINE, lineNumber, "", message);
  }

  private void checkShape(char type, int length, String name) {
    if (lineLength != length) {
      throw malformed(
          "a "
              + name
              + " record must be "
              + length
              + " characters before its line feed, got "
              + lineLength);
    }
    for (int i = 0; i < lineLength; i++) {
      byte b = line[i];
      if (b < 0x20 || b > 0x7e) {
        Column c = Column.at(type, i + 1);
        throw invalid(
            c,
            describe(b)
                + " at column "
                + (i + 1)
                + "; only printable ASCII is allowed"
                + (b == '\r' ? " (lines end with LF, not CRLF)" : ""));
      }
    }
  }

  private static String describe(byte b) {
    int v = b & 0xff;
    if (v >= 0x21 && v <= 0x7e) {
      return "'" + (char) v + "'";
    }
    if (v == 0x20) {
      return "a space";
    }
    return String.format("byte 0x%02X", v);
  }

  // --- fields ---

  private ClearingFileException invalid(Column c, String message) {
    return new ClearingFileException(Reason.INVALID_FIELD, lineNumber, c.fieldName(), message);
  }

  private ClearingFileException invalid(Column c, FangxinException e) {
    return new ClearingFileException(
        Reason.INVALID_FIELD, lineNumber, c.fieldName(), e.getMessage(), e);
  }

  private String raw(Column c) {
    return new String(line, c.offset(), c.width(), StandardCharsets.ISO_8859_1);
  }

  /** The left-aligned content of {@code c} without its padding spaces; empty if all spaces. */
  private String leftAligned(Column c) {
    int start = c.offset();
    int end = start + c.width();
    int i = start;
    while (i < end && line[i] != ' ') {
      i++;
    }
    for (int j = i; j < end; j++) {
      if (line[j] != ' ') {
        throw invalid(
            c,
            "must be left-aligned and padded with spaces, got "
                + (i == start ? "a leading space" : "a space inside the value")
                + " at column "
                + (i + 1));
      }
    }
    return new String(line, start, i - start, StandardCharsets.ISO_8859_1);
  }

  private long digits(Column c) {
    long v = 0;
    for (int i = c.offset(); i < c.offset() + c.width(); i++) {
      byte b = line[i];
      if (b < '0' || b > '9') {
        throw invalid(
            c,
            "must be "
                + c.width()
                + " digits (zero-padded), got "
                + describe(b)
                + " at column "
                + (i + 1));
      }
      v = v * 10 + (b - '0');
    }
    return v;
  }

  private String digitString(Column c) {
    digits(c);
    return raw(c);
  }

  private ClearingFileHeader readHeader() {
    if (!readLine()) {
      throw new ClearingFileException(
          Reason.TRUNCATED, 1, "", "the file is empty; expected a header record");
    }
    if (line[0] != 'H') {
      throw malformed(
          "the first line must be a header record ('H'), got record type " + describe(line[0]));
    }
    checkShape('H', ClearingFileFormat.HEADER_LENGTH, "header");
    InstitutionCode acquirer;
    try {
      acquirer = InstitutionCode.ofPadded(raw(Column.HEADER_ACQUIRER));
    } catch (InvalidIdentifierException e) {
      throw invalid(Column.HEADER_ACQUIRER, e);
    }
    LocalDate date = date(Column.FILE_DATE);
    String batchId = leftAligned(Column.BATCH_ID);
    String problem = ClearingFileHeader.batchIdProblem(batchId);
    if (problem != null) {
      throw invalid(Column.BATCH_ID, problem);
    }
    String version = raw(Column.FORMAT_VERSION);
    if (!version.equals(ClearingFileFormat.VERSION)) {
      throw invalid(
          Column.FORMAT_VERSION,
          "unsupported format version \""
              + version
              + "\"; this reader reads version "
              + ClearingFileFormat.VERSION);
    }
    return ClearingFileHeader.of(acquirer, date, batchId);
  }

  private LocalDate date(Column c) {
    long v = digits(c);
    int year = (int) (v / 10000);
    if (year < 2000 || year > 2099) {
      throw invalid(c, "year must be 2000 to 2099, got " + year);
    }
    try {
      return LocalDate.of(year, (int) (v / 100 % 100), (int) (v % 100));
    } catch (DateTimeException e) {
      throw invalid(c, "not a date: " + raw(c) + " (YYYYMMDD)");
    }
  }

  private ClearingRecord parseDetail() {
    checkShape('D', ClearingFileFormat.DETAIL_LENGTH, "detail");
    Column c = Column.ACQUIRER_INSTITUTION;
    try {
      InstitutionCode acquirer = InstitutionCode.ofPadded(raw(c));
      c = Column.FORWARDING_INSTITUTION;
      InstitutionCode forwarding = InstitutionCode.ofPadded(raw(c));
      c = Column.STAN;
      Stan stan = Stan.of(raw(c));
      c = Column.TRANSMISSION_TIME;
      TransmissionTime tt = TransmissionTime.of(raw(c));
      c = Column.SETTLEMENT_DATE;
      LocalDate settlement = date(c);
      DurableTrace trace =
          DurableTrace.of(
              SettleKey.of(acquirer, forwarding, stan, tt),
              SettlementDate.of(raw(c).substring(4)),
              settlement.getYear());
      c = Column.CARD_NUMBER;
      String card = leftAligned(c);
      MaskedPan pan =
          card.isEmpty()
              ? null
              : card.indexOf('*') >= 0 ? MaskedPan.of(card) : MaskedPan.mask(card);
      c = Column.AMOUNT;
      long amount = digits(c);
      c = Column.CURRENCY;
      int currency = (int) digits(c);
      if (!knownCurrency[currency]) {
        Money.of(0, currency);
        knownCurrency[currency] = true;
      }
      Money money = Money.of(amount, currency);
      c = Column.MESSAGE_TYPE;
      String mti = digitString(c);
      c = Column.PROCESSING_CODE;
      String processing = digitString(c);
      c = Column.MCC;
      String mcc = digitString(c);
      c = Column.TERMINAL_ID;
      String tid = leftAligned(c);
      TerminalId terminal = tid.isEmpty() ? null : TerminalId.of(tid);
      c = Column.MERCHANT_NUMBER;
      MerchantNumber mid = MerchantNumber.of(raw(c));
      c = Column.RRN;
      String rrnText = leftAligned(c);
      Rrn rrn = rrnText.isEmpty() ? null : Rrn.of(rrnText);
      c = Column.TRANSACTION_TIME;
      long when = dateTime(c);
      c = Column.TOOL_TYPE;
      ToolType tool = toolType(c);
      c = Column.VOUCHER_NUMBER;
      String voucherText = leftAligned(c);
      VoucherNumber voucher = voucherText.isEmpty() ? null : VoucherNumber.of(voucherText);
      return ClearingRecord.of(
          trace, pan, money, mti, processing, mcc, terminal, mid, rrn, when, tool, voucher);
    } catch (FangxinException e) {
      if (e instanceof ClearingFileException) {
        throw e;
      }
      throw invalid(c, e);
    }
  }

  private long dateTime(Column c) {
    long v = digits(c);
    int second = (int) (v % 100);
    int minute = (int) (v / 100 % 100);
    int hour = (int) (v / 10000 % 100);
    long ymd = v / 1_000_000;
    int year = (int) (ymd / 10000);
    if (year < 2000 || year > 2099) {
      throw invalid(c, "year must be 2000 to 2099, got " + year);
    }
    try {
      return LocalDateTime.of(
              year, (int) (ymd / 100 % 100), (int) (ymd % 100), hour, minute, second)
          .toEpochSecond(UTC_PLUS_8);
    } catch (DateTimeException e) {
      throw invalid(c, "not a date and time: " + raw(c) + " (YYYYMMDDhhmmss, UTC+8)");
    }
  }

  private ToolType toolType(Column c) {
    String code = raw(c);
    switch (code) {
      case "01":
        return ToolType.TOOL_TYPE_POS_TERMINAL;
      case "02":
        return ToolType.TOOL_TYPE_QR_COLLECTION_CODE;
      case "03":
        return ToolType.TOOL_TYPE_QR_DYNAMIC;
      default:
        throw invalid(c, "must be 01, 02 or 03, got \"" + code + "\"");
    }
  }

  private void readTrailer() {
    checkShape('T', ClearingFileFormat.TRAILER_LENGTH, "trailer");
    long declaredCount = digits(Column.RECORD_COUNT);
    long declaredTotal = digits(Column.TOTAL_AMOUNT);
    String declaredCrc = raw(Column.CHECKSUM);
    for (int i = 0; i < declaredCrc.length(); i++) {
      char ch = declaredCrc.charAt(i);
      if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F'))) {
        throw invalid(
            Column.CHECKSUM,
            "must be 8 upper-case hexadecimal digits, got '"
                + ch
                + "' at column "
                + (Column.CHECKSUM.from() + i));
      }
    }
    if (declaredCount != count) {
      throw new ClearingFileException(
          Reason.COUNT_MISMATCH,
          lineNumber,
          Column.RECORD_COUNT.fieldName(),
          "the trailer states " + declaredCount + " records but the file holds " + count);
    }
    if (declaredTotal != total) {
      throw new ClearingFileException(
          Reason.TOTAL_MISMATCH,
          lineNumber,
          Column.TOTAL_AMOUNT.fieldName(),
          "the trailer states a total of "
              + declaredTotal
              + " minor units but the records add up to "
              + total);
    }
    String actualCrc = crcHex(crc.getValue());
    if (!declaredCrc.equals(actualCrc)) {
      throw new ClearingFileException(
          Reason.CHECKSUM_MISMATCH,
          lineNumber,
          Column.CHECKSUM.fieldName(),
          "the trailer states CRC-32C " + declaredCrc + " but the detail lines give " + actualCrc);
    }
    if (pos < lim || fill()) {
      throw new ClearingFileException(
          Reason.TRAILING_DATA,
          lineNumber + 1,
          "",
          "data follows the trailer record; the trailer must be the last line");
    }
  }

  /** A CRC-32C value as 8 upper-case hexadecimal digits. */
  static String crcHex(long value) {
    return HexFormat.of().withUpperCase().toHexDigits((int) value);
  }
}
