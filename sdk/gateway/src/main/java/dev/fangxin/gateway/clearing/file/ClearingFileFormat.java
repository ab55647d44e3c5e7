package dev.fangxin.gateway.clearing.file;

/**
 * The layout of a clearing file, version {@value #VERSION}, as {@code protocol/SPEC.md} section 14
 * defines it: fixed-width ASCII records, one per line, each ended by a line feed; a header, detail
 * records and a trailer whose CRC-32C covers the detail lines.
 *
 * <p>Columns are 1-based and inclusive, as in the specification. This class only describes the
 * layout; {@link ClearingFileReader} reads it and {@link ClearingFileWriter} writes it.
 */
public final class ClearingFileFormat {
  private ClearingFileFormat() {}

  /** The format version this code reads and writes, in the header's last two columns. */
  public static final String VERSION = "01";

  /** Length of a header line, without its line feed. */
  public static final int HEADER_LENGTH = 54;

  /** Length of a detail line, without its line feed. */
  public static final int DETAIL_LENGTH = 178;

  /** Length of a trailer line, without its line feed. */
  public static final int TRAILER_LENGTH = 37;

  /** A field of a header ('H'), detail ('D') or trailer ('T') record. */
  public enum Column {
    /** Record type 'H'. */
    HEADER_RECORD_TYPE('H', "record_type", 1, 1),
    /** Header: the acquirer's institution code, left-aligned, space-padded. */
    HEADER_ACQUIRER('H', "acquirer_institution", 2, 11),
    /** Header: the file's business date, YYYYMMDD. */
    FILE_DATE('H', "file_date", 13, 8),
    /** Header: the batch ID, 1 to 32 of A-Z a-z 0-9 . _ -, left-aligned, space-padded. */
    BATCH_ID('H', "batch_id", 21, 32),
    /** Header: the format version, {@value ClearingFileFormat#VERSION}. */
    FORMAT_VERSION('H', "format_version", 53, 2),

    /** Record type 'D'. */
    RECORD_TYPE('D', "record_type", 1, 1),
    /** Acquiring institution code, ISO 8583 field 32, left-aligned, space-padded. */
    ACQUIRER_INSTITUTION('D', "acquirer_institution", 2, 11),
    /** Forwarding institution code, field 33, left-aligned, space-padded. */
    FORWARDING_INSTITUTION('D', "forwarding_institution", 13, 11),
    /** System trace audit number, field 11. */
    STAN('D', "stan", 24, 6),
    /** Transmission date and time, field 7, MMDDhhmmss. */
    TRANSMISSION_TIME('D', "transmission_time", 30, 10),
    /** Settlement date with its year, YYYYMMDD. */
    SETTLEMENT_DATE('D', "settlement_date", 40, 8),
    /** Card number, 12 to 19 digits (or already masked), left-aligned; blank if none. */
    CARD_NUMBER('D', "card_number", 48, 19),
    /** Amount in minor units, zero-padded digits. */
    AMOUNT('D', "amount", 67, 12),
    /** ISO 4217 numeric currency code. */
    CURRENCY('D', "currency", 79, 3),
    /** Message type indicator. */
    MESSAGE_TYPE('D', "message_type", 82, 4),
    /** Processing code, field 3. */
    PROCESSING_CODE('D', "processing_code", 86, 6),
    /** Merchant category code, field 18. */
    MCC('D', "mcc", 92, 4),
    /** Terminal ID, field 41; blank if none. */
    TERMINAL_ID('D', "terminal_id", 96, 8),
    /** Merchant number, field 42. */
    MERCHANT_NUMBER('D', "merchant_number", 104, 15),
    /** Retrieval reference number, field 37; blank if none. */
    RRN('D', "rrn", 119, 12),
    /** Transaction time, YYYYMMDDhhmmss in UTC+8. */
    TRANSACTION_TIME('D', "transaction_time", 131, 14),
    /** Tool type code: 01 card terminal, 02 QR collection code, 03 dynamic QR. */
    TOOL_TYPE('D', "tool_type", 145, 2),
    /** QR voucher number, left-aligned, space-padded; blank if none. */
    VOUCHER_NUMBER('D', "voucher_number", 147, 32),

    /** Record type 'T'. */
    TRAILER_RECORD_TYPE('T', "record_type", 1, 1),
    /** Trailer: number of detail records, zero-padded. */
    RECORD_COUNT('T', "record_count", 2, 10),
    /** Trailer: sum of the detail amounts in minor units, zero-padded. */
    TOTAL_AMOUNT('T', "total_amount", 12, 18),
    /** Trailer: CRC-32C of the detail lines, 8 upper-case hex digits. */
    CHECKSUM('T', "checksum", 30, 8);

    private final char recordType;
    private final String fieldName;
    private final int from;
    private final int width;

    Column(char recordType, String fieldName, int from, int width) {
      this.recordType = recordType;
      this.fieldName = fieldName;
      this.from = from;
      this.width = width;
    }

    /** The record type this column belongs to: 'H', 'D' or 'T'. */
    public char recordType() {
      return recordType;
    }

    /** The field's name, as used in errors and in the specification. */
    public String fieldName() {
      return fieldName;
    }

    /** The first column, 1-based. */
    public int from() {
      return from;
    }

    /** The last column, 1-based, inclusive. */
    public int to() {
      return from + width - 1;
    }

    /** The width in characters. */
    public int width() {
      return width;
    }

    /** The 0-based offset of the first character in the line. */
    int offset() {
      return from - 1;
    }

    /** The column of record type {@code type} that holds the 1-based column {@code position}. */
    static Column at(char type, int position) {
      for (Column c : values()) {
        if (c.recordType == type && position >= c.from && position <= c.to()) {
          return c;
        }
      }
      throw new IllegalArgumentException("no column " + position + " in a '" + type + "' record");
    }
  }
}
