package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.ecr.EcrException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Encodes data into frames of a {@link FrameFormat} and decodes frames incrementally from a byte
 * stream.
 *
 * <p>Decoding: {@link #feed} takes whatever bytes the transport delivered (any split, even one byte
 * at a time) and returns the {@link FrameEvent}s they completed, in stream order. Outside a frame,
 * STX starts a frame, ACK and NAK are reported as such, and any other bytes are noise: a run of
 * noise is reported once, as one {@link Reason#NOISE} error saying how many bytes and at which
 * stream offsets, when the next STX, ACK or NAK arrives or at {@link #idle()}. Inside a frame, the
 * decoder reports {@link Reason#BAD_LENGTH} (a length field not valid in its encoding), {@link
 * Reason#OVERSIZE_FRAME} (a declared length above {@link FrameFormat#maxDataLength()}; the declared
 * rest of that frame is then skipped, or until {@link #idle()}), {@link Reason#NO_ETX} (the byte
 * after the data is not ETX; that byte is then read again as if outside a frame, so a frame that
 * starts there is not lost) and {@link Reason#BAD_LRC}. The caller reports silence: {@link #idle()}
 * after the inter-byte timeout turns a partial frame into {@link Reason#TRUNCATED_FRAME}.
 *
 * <p>After any error the decoder hunts for the next STX. A stray STX in noise can make it take the
 * next real frame as that frame's data; the result is an error for that frame, and the link
 * protocol recovers by NAK and retransmission.
 *
 * <p>Threading: {@link #encode(byte[])} is pure and may be called from any thread; the decoding
 * state is not thread-safe, so one thread (the link's reader) must own {@link #feed} and {@link
 * #idle()}.
 */
public final class FrameCodec {
  private static final int NOISE_SHOWN = 8;

  private enum State {
    HUNT,
    LENGTH,
    DATA,
    ETX,
    LRC,
    SKIP
  }

  private final FrameFormat format;
  private final int lengthSize;
  private final byte[] frame;

  private State state = State.HUNT;
  private long position;
  private long frameStart;
  private int filled;
  private int dataLength;
  private long skipRemaining;

  private long noiseStart = -1;
  private int noiseCount;
  private final StringBuilder noiseHex = new StringBuilder();

  private FrameCodec(FrameFormat format) {
    this.format = format;
    this.lengthSize = format.lengthEncoding().size();
    this.frame = new byte[format.frameLength(format.maxDataLength())];
  }

  /** A codec for {@code format}, its decoder waiting for a frame. */
  public static FrameCodec create(FrameFormat format) {
    return new FrameCodec(requireNonNull(format, "format == null"));
  }

  /** The format. */
  public FrameFormat format() {
    return format;
  }

  /**
   * The frame carrying {@code data}: STX, length, data, ETX, LRC.
   *
   * @throws EcrException {@link Reason#OVERSIZE_FRAME} if {@code data} is longer than {@link
   *     FrameFormat#maxDataLength()}
   */
  public byte[] encode(byte[] data) {
    requireNonNull(data, "data == null");
    if (data.length > format.maxDataLength()) {
      throw new EcrException(
          Reason.OVERSIZE_FRAME,
          "cannot frame "
              + data.length
              + " data bytes: the frame format allows at most "
              + format.maxDataLength());
    }
    byte[] out = new byte[format.frameLength(data.length)];
    out[0] = FrameFormat.STX;
    writeLength(data.length, out, 1);
    System.arraycopy(data, 0, out, 1 + lengthSize, data.length);
    out[1 + lengthSize + data.length] = FrameFormat.ETX;
    out[out.length - 1] = format.lrc(out, data.length);
    return out;
  }

  private void writeLength(int n, byte[] out, int at) {
    switch (format.lengthEncoding()) {
      case BINARY_2:
        out[at] = (byte) (n >>> 8);
        out[at + 1] = (byte) n;
        break;
      case ASCII_4:
        for (int i = 3; i >= 0; i--) {
          out[at + i] = (byte) ('0' + n % 10);
          n /= 10;
        }
        break;
      case BCD_2:
        out[at] = (byte) (((n / 1000) << 4) | ((n / 100) % 10));
        out[at + 1] = (byte) ((((n / 10) % 10) << 4) | (n % 10));
        break;
      default:
        throw new AssertionError(format.lengthEncoding());
    }
  }

  /** Feeds all of {@code bytes}; see {@link #feed(byte[], int, int)}. */
  public List<FrameEvent> feed(byte[] bytes) {
    return feed(bytes, 0, bytes.length);
  }

  /**
   * Feeds {@code length} bytes from {@code bytes[offset]} and returns the events they completed, in
   * stream order (often none: a frame may need more bytes).
   */
  public List<FrameEvent> feed(byte[] bytes, int offset, int length) {
    requireNonNull(bytes, "bytes == null");
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", length " + length + " outside an array of " + bytes.length);
    }
    List<FrameEvent> events = new ArrayList<>(2);
    for (int i = offset; i < offset + length; i++) {
      accept(bytes[i], events);
      position++;
    }
    return events;
  }

  /**
   * Tells the decoder the line has been quiet for the inter-byte timeout. A partial frame becomes a
   * {@link Reason#TRUNCATED_FRAME} error, pending noise is reported, a skipped oversize frame ends.
   * The decoder then waits for a new frame.
   */
  public List<FrameEvent> idle() {
    List<FrameEvent> events = new ArrayList<>(1);
    flushNoise(events);
    switch (state) {
      case HUNT:
      case SKIP:
        break;
      default:
        int got = 1 + filled;
        events.add(
            FrameEvent.error(
                frameStart,
                new EcrException(
                    Reason.TRUNCATED_FRAME,
                    "frame at stream offset "
                        + frameStart
                        + " stopped after "
                        + got
                        + " bytes "
                        + expectation()
                        + "; the line went quiet")));
    }
    state = State.HUNT;
    return events;
  }

  private String expectation() {
    if (state == State.LENGTH) {
      return "(in its " + lengthSize + "-byte length field)";
    }
    return "of " + format.frameLength(dataLength) + " (" + dataLength + " data bytes declared)";
  }

  /**
   * Whether bytes of an unfinished frame (or unreported noise) are held: {@link #idle()} matters.
   */
  public boolean hasPartial() {
    return state != State.HUNT || noiseCount > 0;
  }

  /** The number of bytes fed so far. */
  public long position() {
    return position;
  }

  private void accept(byte b, List<FrameEvent> events) {
    switch (state) {
      case HUNT:
        hunt(b, events);
        return;
      case LENGTH:
        frame[1 + filled++] = b;
        if (filled == lengthSize) {
          lengthDone(events);
        }
        return;
      case DATA:
        frame[1 + filled++] = b;
        if (filled == lengthSize + dataLength) {
          state = State.ETX;
        }
        return;
      case ETX:
        if (b != FrameFormat.ETX) {
          events.add(
              FrameEvent.error(
                  frameStart,
                  new EcrException(
                      Reason.NO_ETX,
                      String.format(
                          Locale.ROOT,
                          "frame at stream offset %d: expected ETX (0x03) after %d data bytes at"
                              + " offset %d, got 0x%02X",
                          frameStart,
                          dataLength,
                          position,
                          b & 0xFF))));
          state = State.HUNT;
          hunt(b, events);
          return;
        }
        frame[1 + filled++] = b;
        state = State.LRC;
        return;
      case LRC:
        byte expected = format.lrc(frame, dataLength);
        state = State.HUNT;
        if (b != expected) {
          events.add(
              FrameEvent.error(
                  frameStart,
                  new EcrException(
                      Reason.BAD_LRC,
                      String.format(
                          Locale.ROOT,
                          "frame at stream offset %d (%d data bytes): LRC 0x%02X received,"
                              + " 0x%02X computed over %s",
                          frameStart,
                          dataLength,
                          b & 0xFF,
                          expected & 0xFF,
                          format.lrcCoverage()))));
          return;
        }
        byte[] data = new byte[dataLength];
        System.arraycopy(frame, 1 + lengthSize, data, 0, dataLength);
        events.add(FrameEvent.frame(frameStart, data));
        return;
      case SKIP:
        if (--skipRemaining <= 0) {
          state = State.HUNT;
        }
        return;
      default:
        throw new AssertionError(state);
    }
  }

  private void hunt(byte b, List<FrameEvent> events) {
    if (b == FrameFormat.STX) {
      flushNoise(events);
      frame[0] = b;
      frameStart = position;
      filled = 0;
      state = State.LENGTH;
    } else if (b == FrameFormat.ACK) {
      flushNoise(events);
      events.add(FrameEvent.ack(position));
    } else if (b == FrameFormat.NAK) {
      flushNoise(events);
      events.add(FrameEvent.nak(position));
    } else {
      if (noiseCount == 0) {
        noiseStart = position;
      }
      noiseCount++;
      if (noiseCount <= NOISE_SHOWN) {
        if (noiseHex.length() > 0) {
          noiseHex.append(' ');
        }
        noiseHex.append(String.format(Locale.ROOT, "%02X", b & 0xFF));
      }
    }
  }

  private void flushNoise(List<FrameEvent> events) {
    if (noiseCount == 0) {
      return;
    }
    long end = noiseStart + noiseCount - 1;
    String where =
        noiseCount == 1
            ? "at stream offset " + noiseStart
            : "at stream offsets " + noiseStart + "-" + end;
    events.add(
        FrameEvent.error(
            noiseStart,
            new EcrException(
                Reason.NOISE,
                noiseCount
                    + (noiseCount == 1 ? " byte" : " bytes")
                    + " outside a frame "
                    + where
                    + " (hex "
                    + noiseHex
                    + (noiseCount > NOISE_SHOWN ? " ..." : "")
                    + "); expected STX, ACK or NAK")));
    noiseCount = 0;
    noiseStart = -1;
    noiseHex.setLength(0);
  }

  private void lengthDone(List<FrameEvent> events) {
    int n = readLength();
    if (n < 0) {
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < lengthSize; i++) {
        hex.append(String.format(Locale.ROOT, i == 0 ? "%02X" : " %02X", frame[1 + i] & 0xFF));
      }
      events.add(
          FrameEvent.error(
              frameStart,
              new EcrException(
                  Reason.BAD_LENGTH,
                  "frame at stream offset "
                      + frameStart
                      + ": length field (hex "
                      + hex
                      + ") is not valid "
                      + format.lengthEncoding()
                      + "; expected "
                      + (format.lengthEncoding() == FrameFormat.LengthEncoding.ASCII_4
                          ? "4 ASCII digits"
                          : "4 BCD digits 0-9"))));
      state = State.HUNT;
      return;
    }
    if (n > format.maxDataLength()) {
      events.add(
          FrameEvent.error(
              frameStart,
              new EcrException(
                  Reason.OVERSIZE_FRAME,
                  "frame at stream offset "
                      + frameStart
                      + " declares "
                      + n
                      + " data bytes; the frame format allows at most "
                      + format.maxDataLength()
                      + " (the rest of the frame is skipped)")));
      skipRemaining = (long) n + 2;
      state = State.SKIP;
      return;
    }
    dataLength = n;
    state = n == 0 ? State.ETX : State.DATA;
  }

  /** The declared length, or -1 if the field is not valid in its encoding. */
  private int readLength() {
    switch (format.lengthEncoding()) {
      case BINARY_2:
        return ((frame[1] & 0xFF) << 8) | (frame[2] & 0xFF);
      case ASCII_4:
        int n = 0;
        for (int i = 1; i <= 4; i++) {
          int d = frame[i] - '0';
          if (d < 0 || d > 9) {
            return -1;
          }
          n = n * 10 + d;
        }
        return n;
      case BCD_2:
        int v = 0;
        for (int i = 1; i <= 2; i++) {
          int hi = (frame[i] >> 4) & 0x0F;
          int lo = frame[i] & 0x0F;
          if (hi > 9 || lo > 9) {
            return -1;
          }
          v = v * 100 + hi * 10 + lo;
        }
        return v;
      default:
        throw new AssertionError(format.lengthEncoding());
    }
  }
}
