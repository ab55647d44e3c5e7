package dev.fangxin.core.journal;

import static dev.fangxin.core.journal.RecordFormat.MAX_RECORD_SIZE;
import static dev.fangxin.core.journal.RecordFormat.RECORD_HEADER_SIZE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads records from a channel with positional reads through a bounded window (twice the largest
 * record), so memory stays constant whatever the file size. Reports each valid record and each
 * stretch of damage; after damage it resynchronises byte by byte on the next offset that holds a
 * plausible length and a matching CRC-32C. Not thread-safe; one walker per walk.
 */
final class RecordWalker {
  /** Receives what the walker finds, in file order. */
  interface Visitor {
    void record(long offset, byte[] payload);

    /**
     * Damage from {@code offset}, {@code length} bytes long. {@link Damage.Kind#TORN_TAIL} is
     * always the last call. Return false to stop walking.
     */
    boolean damage(Damage.Kind kind, long offset, long length);
  }

  private static final int WINDOW = 2 * (RECORD_HEADER_SIZE + MAX_RECORD_SIZE);
  private static final int INCOMPLETE = -1;
  private static final int BAD_LENGTH = -2;
  private static final int BAD_CHECKSUM = -3;

  private final FileChannel channel;
  private final long end;
  private final byte[] window = new byte[WINDOW];
  private final CRC32C crc = new CRC32C();
  private long windowStart;
  private int windowLength;

  /** Reads {@code channel} up to {@code end}; bytes at or after {@code end} are never read. */
  RecordWalker(FileChannel channel, long end) {
    this.channel = channel;
    this.end = end;
  }

  /** Copies up to {@code length} bytes from {@code offset}; fewer if the file ends first. */
  byte[] read(long offset, int length) throws IOException {
    int wanted = (int) Math.max(0, Math.min(length, end - offset));
    if (wanted == 0) {
      return new byte[0];
    }
    if (!ensure(offset, wanted)) {
      wanted = windowLength; // the file shrank under us; the window starts at offset
    }
    byte[] bytes = new byte[wanted];
    System.arraycopy(window, (int) (offset - windowStart), bytes, 0, wanted);
    return bytes;
  }

  /** Walks from {@code start} to the end. */
  void walk(long start, Visitor visitor) throws IOException {
    long position = start;
    while (position < end) {
      int status = check(position);
      if (status > 0) {
        byte[] payload = new byte[status];
        System.arraycopy(
            window, (int) (position - windowStart) + RECORD_HEADER_SIZE, payload, 0, status);
        visitor.record(position, payload);
        position += RECORD_HEADER_SIZE + status;
        continue;
      }
      long next = resync(position + 1);
      if (next < 0) {
        visitor.damage(Damage.Kind.TORN_TAIL, position, end - position);
        return;
      }
      Damage.Kind kind = status == BAD_CHECKSUM ? Damage.Kind.BAD_CHECKSUM : Damage.Kind.BAD_LENGTH;
      if (!visitor.damage(kind, position, next - position)) {
        return;
      }
      position = next;
    }
  }

  /**
   * The payload length of a valid record at {@code position} (its bytes then sit in the window), or
   * one of the negative status codes.
   */
  private int check(long position) throws IOException {
    if (!ensure(position, RECORD_HEADER_SIZE)) {
      return INCOMPLETE;
    }
    long length = lengthAt(position);
    if (length < 1 || length > MAX_RECORD_SIZE) {
      return BAD_LENGTH;
    }
    if (!ensure(position, RECORD_HEADER_SIZE + (int) length)) {
      return INCOMPLETE;
    }
    return checksumMatches(position, (int) length) ? (int) length : BAD_CHECKSUM;
  }

  /** The first offset at or after {@code from} that holds a valid record, or -1. */
  private long resync(long from) throws IOException {
    for (long candidate = from; candidate + RECORD_HEADER_SIZE < end; candidate++) {
      if (!ensure(candidate, RECORD_HEADER_SIZE)) {
        return -1;
      }
      long length = lengthAt(candidate);
      if (length < 1
          || length > MAX_RECORD_SIZE
          || candidate + RECORD_HEADER_SIZE + length > end
          || !ensure(candidate, RECORD_HEADER_SIZE + (int) length)) {
        continue;
      }
      if (checksumMatches(candidate, (int) length)) {
        return candidate;
      }
    }
    return -1;
  }

  private long lengthAt(long position) {
    return Integer.toUnsignedLong(intAt((int) (position - windowStart)));
  }

  private boolean checksumMatches(long position, int length) {
    int at = (int) (position - windowStart);
    crc.reset();
    crc.update(window, at, 4);
    crc.update(window, at + RECORD_HEADER_SIZE, length);
    return (int) crc.getValue() == intAt(at + 4);
  }

  private int intAt(int at) {
    return ((window[at] & 0xFF) << 24)
        | ((window[at + 1] & 0xFF) << 16)
        | ((window[at + 2] & 0xFF) << 8)
        | (window[at + 3] & 0xFF);
  }

  /**
   * Makes {@code [position, position + length)} available in the window, refilling it from {@code
   * position} if needed. False if those bytes lie beyond the end (or the file shrank under us).
   */
  private boolean ensure(long position, int length) throws IOException {
    if (position >= windowStart && position + length <= windowStart + windowLength) {
      return true;
    }
    if (position + length > end) {
      return false;
    }
    int wanted = (int) Math.min(WINDOW, end - position);
    ByteBuffer buffer = ByteBuffer.wrap(window, 0, wanted);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    windowStart = position;
    windowLength = buffer.position();
    return windowLength >= length;
  }
}
