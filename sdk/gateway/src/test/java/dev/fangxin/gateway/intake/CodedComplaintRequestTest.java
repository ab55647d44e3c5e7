package dev.fangxin.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import dev.fangxin.core.money.Money;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The {@code merchant_code} origin of a JSON complaint: what is accepted and what is refused. */
class CodedComplaintRequestTest {
  static JsonObject body() {
    JsonObject o = new JsonObject();
    o.addProperty("merchant_code", "HTTPS://FX.EXAMPLE.CN/HZ/M/BIGQDQOYGEDX2UOC");
    o.addProperty("paid_at", "2026-01-05T10:30:00+08:00");
    JsonObject amount = new JsonObject();
    amount.addProperty("value", "12.50");
    amount.addProperty("currency", "CNY");
    o.add("amount", amount);
    o.addProperty("category", "quality");
    o.addProperty("desired_outcome", "refund_money");
    o.addProperty("description", "Stale.");
    return o;
  }

  static ComplaintRequest parse(JsonObject o) {
    return ComplaintRequest.fromJson(o.toString().getBytes(StandardCharsets.UTF_8));
  }

  static List<String> fields(JsonObject o) {
    IntakeException e = catchThrowableOfType(() -> parse(o), IntakeException.class);
    assertThat(e).as("refused").isNotNull();
    return e.errors().stream().map(IntakeException.FieldError::field).collect(Collectors.toList());
  }

  @Test
  void aCodeWithTimeAndAmountIsTheCodedOrigin() {
    ComplaintRequest r = parse(body());
    ComplaintRequest.CodedOrigin c = r.coded().orElseThrow();
    assertThat(c.codeText()).isEqualTo("BIGQDQOYGEDX2UOC");
    assertThat(c.paidAtInstant()).contains(Instant.parse("2026-01-05T02:30:00Z"));
    assertThat(c.amount()).isEqualTo(Money.of(1250, Money.CNY));
    assertThat(r.traced()).isEmpty();

    JsonObject local = body();
    local.addProperty("paid_at", "2026-01-05T10:30");
    ComplaintRequest.CodedOrigin l = parse(local).coded().orElseThrow();
    assertThat(l.paidAtInstant()).isEmpty();
    assertThat(l.paidAtLocal()).contains(LocalDateTime.parse("2026-01-05T10:30"));

    JsonObject tokenOnly = body();
    tokenOnly.addProperty("merchant_code", "bigqdqoygedx2uoc");
    assertThat(parse(tokenOnly).coded().orElseThrow().codeText()).isEqualTo("bigqdqoygedx2uoc");
    assertThat(parse(tokenOnly).fingerprint()).isEqualTo(parse(body()).fingerprint());
  }

  @Test
  void everyMissingOrWrongPartIsNamed() {
    JsonObject noTime = body();
    noTime.remove("paid_at");
    assertThat(fields(noTime)).containsExactly("paid_at");
    JsonObject badTime = body();
    badTime.addProperty("paid_at", "yesterday");
    assertThat(fields(badTime)).containsExactly("paid_at");
    JsonObject noAmount = body();
    noAmount.remove("amount");
    assertThat(fields(noAmount)).containsExactly("amount");
    JsonObject both = body();
    both.addProperty("receipt_token", "ABC");
    assertThat(fields(both)).contains("merchant_code");
    JsonObject paidOn = body();
    paidOn.addProperty("paid_on", "2026-01-05");
    assertThat(fields(paidOn)).containsExactly("paid_on");
    JsonObject empty = body();
    empty.addProperty("merchant_code", "");
    assertThat(fields(empty)).containsExactly("merchant_code");
    JsonObject timeWithoutCode = body();
    timeWithoutCode.remove("merchant_code");
    timeWithoutCode.remove("amount");
    timeWithoutCode.addProperty("receipt_token", "ABC");
    assertThat(fields(timeWithoutCode)).containsExactly("paid_at");
  }
}
