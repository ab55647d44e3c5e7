package dev.fangxin.merchant.client;

import dev.fangxin.core.FangxinException;
import java.util.Optional;

/**
 * A request to the gateway failed: either the gateway answered with a problem ({@link #status()}
 * and {@link #reason()} from its {@code application/problem+json} body, e.g. 404 {@code
 * case.not_found} or 409 {@code case.deadline_passed}), or the request could not be made ({@code
 * client.unreachable}, {@code client.unexpected_response}).
 */
public final class CaseClientException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Reason of a request that never got a gateway answer. */
  public static final String UNREACHABLE = "client.unreachable";

  /** Reason of an answer that is not what the gateway sends. */
  public static final String UNEXPECTED_RESPONSE = "client.unexpected_response";

  private final String reason;
  private final int status;

  CaseClientException(String reason, int status, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.status = status;
  }

  /** The gateway's problem code (the end of its {@code type}), or one of this class's codes. */
  @Override
  public String reason() {
    return reason;
  }

  /** The HTTP status, when the gateway answered. */
  public Optional<Integer> status() {
    return status == 0 ? Optional.empty() : Optional.of(status);
  }
}
