package dev.fangxin.gateway.clearing.file;

import static java.util.Objects.requireNonNull;

import dev.fangxin.gateway.clearing.file.ClearingFileFormat.Column;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Writes a clearing file ({@code protocol/SPEC.md} section 14): the header when created, one detail
 * line per {@link #detail}, and the trailer with the count, total and CRC-32C on {@link #finish()}.
 *
 * <p>The writer lays out the fields it is given without judging them (a test can write a bad file
 * on purpose); {@link ClearingFileReader} is the validator. Unlike the store, a file written here
 * carries the full card number, as an acquirer's file does. Not thread-safe.
 */
public final class ClearingFileWriter implements Closeable {
  private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;

  private final OutputStream out;
  private final byte[] line = new byte[ClearingFileFormat.DETAIL_LENGTH + 1];
  private final CRC32C crc = new CRC32C();
  private long count;
  private long total;
  private boolean finished;

  private ClearingFileWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * Starts a file on {@code out} by writing its header line.
   *
   * @throws IOException if {@code out} fails
   */
  public static ClearingFileWriter start(OutputStream out, ClearingFileHeader header)
      throws IOException {
    requireNonNull(out, "out == null");
    requireNonNull(header, "header == null");
    ClearingFileWriter w = new ClearingFileWriter(out);
    out.write(headerLine(header));
    return w;
  }

  /** The header line of {@code header}, line feed included. */
  public static byte[] headerLine(ClearingFileHeader header) {
    byte[] b = new byte[ClearingFileFormat.HEADER_LENGTH + 1];
    Arrays.fill(b, (byte) ' ');
    put(b, Column.HEADER_RECORD_TYPE, "H");
    put(b, Column.HEADER_ACQUIRER, header.acquirer().padded());
    put(b, Column.FILE_DATE, header.fileDate().format(YYYYMMDD));
    put(b, Column.BATCH_ID, header.batchId());
    put(b, Column.FORMAT_VERSION, ClearingFileFormat.VERSION);
    b[ClearingFileFormat.HEADER_LENGTH] = '\n';
    return b;
  }

  /**
   * The raw fields of one detail line, as they appear in the file. Each value is written
   * left-aligned into its column and padded with spaces (numbers must be given zero-padded); a
   * value longer than its column is cut. Absent optional fields are the empty string.
   */
  public static final class Detail {
    /** ACQUIRER_INSTITUTION digits. */
    public String acquirer = "";

    /** FORWARDING_INSTITUTION digits. */
    public String forwarding = "";

    /** STAN, 6 digits. */
    public String stan = "";

    /** TRANSMISSION_TIME, MMDDhhmmss. */
    public String transmissionTime = "";

    /** SETTLEMENT_DATE, YYYYMMDD. */
    public String settlementDate = "";

    /** CARD_NUMBER, full or masked; empty if none. */
    public String cardNumber = "";

    /** AMOUNT in minor units. */
    public long amount;

    /** CURRENCY, ISO 4217 numeric. */
    public int currency = 156;

    /** MESSAGE_TYPE, 4 digits. */
    public String messageType = "";

    /** PROCESSING_CODE, 6 digits. */
    public String processingCode = "";

    /** MCC, 4 digits. */
    public String mcc = "";

    /** TERMINAL_ID; empty if none. */
    public String terminalId = "";

    /** MERCHANT_NUMBER, 15 digits. */
    public String merchantNumber = "";

    /** RRN; empty if none. */
    public String rrn = "";

    /** TRANSACTION_TIME, YYYYMMDDhhmmss in UTC+8. */
    public String transactionTime = "";

    /** TOOL_TYPE, 01 to 03. */
    public String toolType = "01";

    /** VOUCHER_NUMBER; empty if none. */
    public String voucherNumber = "";
  }

  /** The detail line of {@code d}, line feed included. */
  public static byte[] detailLine(Detail d) {
    byte[] b = new byte[ClearingFileFormat.DETAIL_LENGTH + 1];
    fillDetail(b, d);
    return b;
  }

  private static void fillDetail(byte[] b, Detail d) {
    Arrays.fill(b, (byte) ' ');
    put(b, Column.RECORD_TYPE, "D");
    put(b, Column.ACQUIRER_INSTITUTION, d.acquirer);
    put(b, Column.FORWARDING_INSTITUTION, d.forwarding);
    put(b, Column.STAN, d.stan);
    put(b, Column.TRANSMISSION_TIME, d.transmissionTime);
    put(b, Column.SETTLEMENT_DATE, d.settlementDate);
    put(b, Column.CARD_NUMBER, d.cardNumber);
    putNumber(b, Column.AMOUNT, d.amount);
    putNumber(b, Column.CURRENCY, d.currency);
    put(b, Column.MESSAGE_TYPE, d.messageType);
    put(b, Column.PROCESSING_CODE, d.processingCode);
    put(b, Column.MCC, d.mcc);
    put(b, Column.TERMINAL_ID, d.terminalId);
    put(b, Column.MERCHANT_NUMBER, d.merchantNumber);
    put(b, Column.RRN, d.rrn);
    put(b, Column.TRANSACTION_TIME, d.transactionTime);
    put(b, Column.TOOL_TYPE, d.toolType);
    put(b, Column.VOUCHER_NUMBER, d.voucherNumber);
    b[ClearingFileFormat.DETAIL_LENGTH] = '\n';
  }

  /**
   * Writes one detail line.
   *
   * @throws IOException if the stream fails
   * @throws IllegalStateException after {@link #finish()}
   */
  public void detail(Detail d) throws IOException {
    if (finished) {
      throw new IllegalStateException("finish() was called");
    }
    fillDetail(line, d);
    crc.update(line, 0, line.length);
    count++;
    total += d.amount;
    out.write(line);
  }

  /** The trailer line for these controls, line feed included. */
  public static byte[] trailerLine(long count, long total, String crcHex) {
    byte[] b = new byte[ClearingFileFormat.TRAILER_LENGTH + 1];
    Arrays.fill(b, (byte) ' ');
    put(b, Column.TRAILER_RECORD_TYPE, "T");
    putNumber(b, Column.RECORD_COUNT, count);
    putNumber(b, Column.TOTAL_AMOUNT, total);
    put(b, Column.CHECKSUM, crcHex);
    b[ClearingFileFormat.TRAILER_LENGTH] = '\n';
    return b;
  }

  /**
   * Writes the trailer with the true count, total and CRC-32C of the detail lines written, and
   * flushes. The stream stays open.
   */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    out.write(trailerLine(count, total, ClearingFileReader.crcHex(crc.getValue())));
    out.flush();
  }

  /** The number of detail lines written. */
  public long count() {
    return count;
  }

  /** The sum of the amounts written. */
  public long total() {
    return total;
  }

  /** The CRC-32C of the detail lines written so far, 8 upper-case hex digits. */
  public String checksum() {
    return ClearingFileReader.crcHex(crc.getValue());
  }

  /** Closes the stream (without writing a trailer if {@link #finish()} was not called). */
  @Override
  public void close() throws IOException {
    out.close();
  }

  private static void put(byte[] b, Column c, String value) {
    int n = Math.min(value.length(), c.width());
    for (int i = 0; i < n; i++) {
      b[c.offset() + i] = (byte) value.charAt(i);
    }
  }

  private static void putNumber(byte[] b, Column c, long value) {
    long v = value;
    for (int i = c.offset() + c.width() - 1; i >= c.offset(); i--) {
      b[i] = (byte) ('0' + (v % 10));
      v /= 10;
    }
  }
}
