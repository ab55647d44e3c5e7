package dev.fangxin.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Test helper: asserts that a call is rejected with an exact reason, field and message. */
final class Rejections {
  private Rejections() {}

  static InvalidIdentifierException rejected(ThrowingCallable call) {
    InvalidIdentifierException e = catchThrowableOfType(InvalidIdentifierException.class, call);
    assertThat(e).as("expected an InvalidIdentifierException").isNotNull();
    return e;
  }

  static InvalidIdentifierException assertRejected(
      ThrowingCallable call, String field, Reason reason, String message) {
    InvalidIdentifierException e = rejected(call);
    assertThat(e.reasonCode()).as("reason of: %s", e.getMessage()).isEqualTo(reason);
    assertThat(e.reason()).isEqualTo(reason.code());
    assertThat(e.field()).as("field of: %s", e.getMessage()).isEqualTo(field);
    assertThat(e).hasMessage(message);
    return e;
  }
}
