package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

/**
 * One thing {@link FrameCodec} found in the byte stream: a good frame, a lone ACK or NAK, or an
 * error (a corrupt frame or noise). Immutable and thread-safe.
 */
public final class FrameEvent {
  /** What was found. */
  public enum Kind {
    /** A frame whose LRC matched; {@link #data()} holds its data. */
    FRAME,
    /** A lone ACK byte (0x06) outside a frame. */
    ACK,
    /** A lone NAK byte (0x15) outside a frame. */
    NAK,
    /** A corrupt frame or noise; {@link #error()} says which and where. */
    ERROR
  }

  private final Kind kind;
  private final long offset;
  private final byte[] data;
  private final EcrException error;

  private FrameEvent(Kind kind, long offset, byte[] data, EcrException error) {
    this.kind = kind;
    this.offset = offset;
    this.data = data;
    this.error = error;
  }

  static FrameEvent frame(long offset, byte[] data) {
    return new FrameEvent(Kind.FRAME, offset, data, null);
  }

  static FrameEvent ack(long offset) {
    return new FrameEvent(Kind.ACK, offset, null, null);
  }

  static FrameEvent nak(long offset) {
    return new FrameEvent(Kind.NAK, offset, null, null);
  }

  static FrameEvent error(long offset, EcrException error) {
    return new FrameEvent(Kind.ERROR, offset, null, requireNonNull(error, "error == null"));
  }

  /** What was found. */
  public Kind kind() {
    return kind;
  }

  /**
   * The stream offset (bytes fed to the codec before it, counting from 0) of the first byte of the
   * frame, control byte or noise run.
   */
  public long offset() {
    return offset;
  }

  /**
   * A copy of the frame's data.
   *
   * @throws IllegalStateException if {@link #kind()} is not {@link Kind#FRAME}
   */
  public byte[] data() {
    if (kind != Kind.FRAME) {
      throw new IllegalStateException("data() of a " + kind + " event; only FRAME has data");
    }
    return data.clone();
  }

  /**
   * The error.
   *
   * @throws IllegalStateException if {@link #kind()} is not {@link Kind#ERROR}
   */
  public EcrException error() {
    if (kind != Kind.ERROR) {
      throw new IllegalStateException("error() of a " + kind + " event; only ERROR has one");
    }
    return error;
  }

  /** For example {@code "FRAME@12 (5 bytes)"} or {@code "ERROR@0 ecr.noise: ..."}. */
  @Override
  public String toString() {
    switch (kind) {
      case FRAME:
        return "FRAME@" + offset + " (" + data.length + " bytes)";
      case ERROR:
        return "ERROR@" + offset + " " + error.reason() + ": " + error.getMessage();
      default:
        return kind + "@" + offset;
    }
  }
}
