package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

/**
 * The shape of an ECR frame: {@code STX (0x02) ‖ length ‖ data ‖ ETX (0x03) ‖ LRC}, where the
 * length counts the data bytes only and the LRC is the XOR of the bytes named by {@link
 * LrcCoverage}.
 *
 * <p>Terminals differ in how they write the length and which bytes the LRC covers; check the
 * terminal's integration manual and pick the matching preset or build one:
 *
 * <ul>
 *   <li>{@link #BCD_LENGTH} (also {@link #DEFAULT}): 2-byte BCD length ({@code 0x01 0x23} = 123
 *       bytes), LRC over length, data and ETX. A layout common on terminals sold in mainland China.
 *   <li>{@link #BINARY_LENGTH}: 2-byte big-endian binary length, LRC over length, data and ETX.
 *   <li>{@link #ASCII_LENGTH}: 4 ASCII decimal digits ({@code "0123"}), LRC over length, data and
 *       ETX.
 * </ul>
 *
 * All presets allow at most {@value #DEFAULT_MAX_DATA_LENGTH} data bytes. Immutable and
 * thread-safe.
 */
public final class FrameFormat {
  /** Start of text, the first byte of every frame. */
  public static final byte STX = 0x02;

  /** End of text, the byte after the data. */
  public static final byte ETX = 0x03;

  /** Positive acknowledgement, sent alone (not framed). */
  public static final byte ACK = 0x06;

  /** Negative acknowledgement, sent alone (not framed). */
  public static final byte NAK = 0x15;

  /** The default bound on data bytes per frame. */
  public static final int DEFAULT_MAX_DATA_LENGTH = 1024;

  /** 2-byte BCD length, LRC from the byte after STX through ETX, at most 1024 data bytes. */
  public static final FrameFormat BCD_LENGTH =
      builder()
          .lengthEncoding(LengthEncoding.BCD_2)
          .lrcCoverage(LrcCoverage.LENGTH_DATA_ETX)
          .build();

  /** 2-byte big-endian length, LRC from the byte after STX through ETX, at most 1024 data bytes. */
  public static final FrameFormat BINARY_LENGTH =
      builder()
          .lengthEncoding(LengthEncoding.BINARY_2)
          .lrcCoverage(LrcCoverage.LENGTH_DATA_ETX)
          .build();

  /** 4 ASCII digits of length, LRC from the byte after STX through ETX, at most 1024 bytes. */
  public static final FrameFormat ASCII_LENGTH =
      builder()
          .lengthEncoding(LengthEncoding.ASCII_4)
          .lrcCoverage(LrcCoverage.LENGTH_DATA_ETX)
          .build();

  /** {@link #BCD_LENGTH}. */
  public static final FrameFormat DEFAULT = BCD_LENGTH;

  /** How the data length is written after STX. */
  public enum LengthEncoding {
    /** Two bytes, unsigned big-endian binary: 0 to 65535. {@code 300 -> 0x01 0x2C}. */
    BINARY_2(2, 65535),
    /** Four ASCII decimal digits: 0 to 9999. {@code 300 -> "0300" = 0x30 0x33 0x30 0x30}. */
    ASCII_4(4, 9999),
    /** Two bytes of packed BCD, four decimal digits: 0 to 9999. {@code 300 -> 0x03 0x00}. */
    BCD_2(2, 9999);

    private final int size;
    private final int max;

    LengthEncoding(int size, int max) {
      this.size = size;
      this.max = max;
    }

    /** The number of bytes the length field takes. */
    public int size() {
      return size;
    }

    /** The largest length this encoding can write. */
    public int maxValue() {
      return max;
    }
  }

  /** Which bytes of the frame the LRC (an XOR of bytes) covers. */
  public enum LrcCoverage {
    /** From the byte after STX through ETX inclusive: length, data, ETX. The common choice. */
    LENGTH_DATA_ETX,
    /** Length and data, not ETX. */
    LENGTH_DATA,
    /** Data and ETX, not the length. */
    DATA_ETX,
    /** STX through ETX inclusive. */
    STX_THROUGH_ETX
  }

  private final LengthEncoding lengthEncoding;
  private final LrcCoverage lrcCoverage;
  private final int maxDataLength;

  private FrameFormat(Builder b) {
    this.lengthEncoding = b.lengthEncoding;
    this.lrcCoverage = b.lrcCoverage;
    this.maxDataLength = b.maxDataLength;
  }

  /** A builder with the defaults of {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this format's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.lengthEncoding = lengthEncoding;
    b.lrcCoverage = lrcCoverage;
    b.maxDataLength = maxDataLength;
    return b;
  }

  /** How the length is written. */
  public LengthEncoding lengthEncoding() {
    return lengthEncoding;
  }

  /** Which bytes the LRC covers. */
  public LrcCoverage lrcCoverage() {
    return lrcCoverage;
  }

  /** The most data bytes a frame may carry; a longer frame is {@code OVERSIZE_FRAME}. */
  public int maxDataLength() {
    return maxDataLength;
  }

  /** The total frame size for {@code dataLength} data bytes: STX, length, data, ETX and LRC. */
  public int frameLength(int dataLength) {
    return 1 + lengthEncoding.size() + dataLength + 2;
  }

  /**
   * The LRC of a frame laid out in {@code frame} from index 0 (STX) through its ETX; the LRC byte
   * itself, if present, is not read.
   */
  byte lrc(byte[] frame, int dataLength) {
    int lengthEnd = 1 + lengthEncoding.size();
    int etx = lengthEnd + dataLength;
    int from;
    int toInclusive;
    switch (lrcCoverage) {
      case LENGTH_DATA_ETX:
        from = 1;
        toInclusive = etx;
        break;
      case LENGTH_DATA:
        from = 1;
        toInclusive = etx - 1;
        break;
      case DATA_ETX:
        from = lengthEnd;
        toInclusive = etx;
        break;
      case STX_THROUGH_ETX:
        from = 0;
        toInclusive = etx;
        break;
      default:
        throw new AssertionError(lrcCoverage);
    }
    int x = 0;
    for (int i = from; i <= toInclusive; i++) {
      x ^= frame[i];
    }
    return (byte) x;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FrameFormat
        && ((FrameFormat) o).lengthEncoding == lengthEncoding
        && ((FrameFormat) o).lrcCoverage == lrcCoverage
        && ((FrameFormat) o).maxDataLength == maxDataLength;
  }

  @Override
  public int hashCode() {
    return (lengthEncoding.hashCode() * 31 + lrcCoverage.hashCode()) * 31 + maxDataLength;
  }

  /** For example {@code "FrameFormat{BCD_2, LRC LENGTH_DATA_ETX, max 1024}"}. */
  @Override
  public String toString() {
    return "FrameFormat{"
        + lengthEncoding
        + ", LRC "
        + lrcCoverage
        + ", max "
        + maxDataLength
        + "}";
  }

  /** Builds a {@link FrameFormat}. Not thread-safe. */
  public static final class Builder {
    private LengthEncoding lengthEncoding = LengthEncoding.BCD_2;
    private LrcCoverage lrcCoverage = LrcCoverage.LENGTH_DATA_ETX;
    private int maxDataLength = DEFAULT_MAX_DATA_LENGTH;

    private Builder() {}

    /** How the length is written. Default {@link LengthEncoding#BCD_2}. */
    public Builder lengthEncoding(LengthEncoding lengthEncoding) {
      this.lengthEncoding = requireNonNull(lengthEncoding, "lengthEncoding == null");
      return this;
    }

    /** Which bytes the LRC covers. Default {@link LrcCoverage#LENGTH_DATA_ETX}. */
    public Builder lrcCoverage(LrcCoverage lrcCoverage) {
      this.lrcCoverage = requireNonNull(lrcCoverage, "lrcCoverage == null");
      return this;
    }

    /**
     * The most data bytes per frame, 1 to the length encoding's {@link LengthEncoding#maxValue()}.
     * Default {@value FrameFormat#DEFAULT_MAX_DATA_LENGTH}.
     */
    public Builder maxDataLength(int maxDataLength) {
      if (maxDataLength < 1) {
        throw new IllegalArgumentException("maxDataLength < 1: " + maxDataLength);
      }
      this.maxDataLength = maxDataLength;
      return this;
    }

    /**
     * The format.
     *
     * @throws IllegalStateException if the maximum data length does not fit the length encoding
     */
    public FrameFormat build() {
      if (maxDataLength > lengthEncoding.maxValue()) {
        throw new IllegalStateException(
            "maxDataLength "
                + maxDataLength
                + " does not fit length encoding "
                + lengthEncoding
                + ", which writes at most "
                + lengthEncoding.maxValue());
      }
      return new FrameFormat(this);
    }
  }
}
