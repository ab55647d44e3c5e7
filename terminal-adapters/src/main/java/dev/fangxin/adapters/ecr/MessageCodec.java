package dev.fangxin.adapters.ecr;

import java.util.Optional;

/**
 * Turns the ECR's requests into frame data and the terminal's frame data into responses: the part
 * of an ECR protocol that varies by terminal vendor. {@link TlvMessageCodec} is the one shipped.
 *
 * <p>Implementations must be thread-safe (they are usually stateless).
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
public interface MessageCodec<Q, R> {
  /**
   * The frame data for {@code request}. {@code sequence} (0 to 9999) is new for every message the
   * ECR sends and kept for its retransmissions; codecs whose format has no sequence number ignore
   * it.
   *
   * @throws EcrException {@link EcrException.Reason#BAD_MESSAGE} if the request cannot be written
   */
  byte[] encodeRequest(Q request, int sequence);

  /**
   * The response carried by {@code data}.
   *
   * @throws EcrException {@link EcrException.Reason#BAD_MESSAGE}, {@link EcrException#field()}
   *     naming the field that was wrong
   */
  R decodeResponse(byte[] data);

  /**
   * An id that is equal for retransmissions of one message and differs between messages (for
   * example its type and sequence number), used by {@link EcrLink} to drop duplicates; empty if the
   * format has none or {@code data} is unreadable. Never throws.
   */
  default Optional<String> frameId(byte[] data) {
    return Optional.empty();
  }
}
