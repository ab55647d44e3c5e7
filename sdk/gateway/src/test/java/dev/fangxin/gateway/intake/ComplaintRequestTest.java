package dev.fangxin.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.protocol.v1.Complaint;
import dev.fangxin.protocol.v1.ComplaintCategory;
import dev.fangxin.protocol.v1.Contact;
import dev.fangxin.protocol.v1.DesiredOutcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Strict parsing and validation of complaints, JSON and protobuf, with negative fixtures. */
class ComplaintRequestTest {
  private static final String TOKEN = "ABCDEFGH234567";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static IntakeException refusal(Runnable r) {
    try {
      r.run();
    } catch (IntakeException e) {
      return e;
    }
    throw new AssertionError("accepted");
  }

  private static List<String> fields(IntakeException e) {
    return e.errors().stream().map(IntakeException.FieldError::field).collect(Collectors.toList());
  }

  @Test
  void jsonComplaintParses() {
    ComplaintRequest r =
        ComplaintRequest.fromJson(
            utf8(
                "{\"receipt_token\": \""
                    + TOKEN
                    + "\", \"category\": \"not_as_described\", \"desired_outcome\": \"exchange\","
                    + " \"description\": \"Blue, not red.\", \"contact\": {\"phone\":"
                    + " \"0571-87654321\", \"name\": \"王\"}, \"idempotency_key\": \"k1\"}"));
    assertThat(r.receiptToken()).isEqualTo(TOKEN);
    assertThat(r.details().category())
        .isEqualTo(ComplaintCategory.COMPLAINT_CATEGORY_NOT_AS_DESCRIBED);
    assertThat(r.details().desiredOutcome()).isEqualTo(DesiredOutcome.DESIRED_OUTCOME_EXCHANGE);
    assertThat(r.details().contactPhone()).contains("0571-87654321");
    assertThat(r.details().contactName()).contains("王");
    assertThat(r.idempotencyKey()).contains("k1");
  }

  @Test
  void jsonAndProtobufOfTheSameComplaintHaveTheSameFingerprint() {
    ComplaintRequest json =
        ComplaintRequest.fromJson(
            utf8(
                "{\"receipt_token\": \"abcdefgh234567\", \"category\": \"price\","
                    + " \"desired_outcome\": \"refund_money\", \"description\": \"Too dear.\","
                    + " \"contact\": {\"phone\": \"13800138000\"}}"));
    ComplaintRequest proto =
        ComplaintRequest.fromProto(
            Complaint.newBuilder()
                .setReceiptToken(TOKEN)
                .setCategory(ComplaintCategory.COMPLAINT_CATEGORY_PRICE)
                .setDesiredOutcome(DesiredOutcome.DESIRED_OUTCOME_REFUND_MONEY)
                .setDescription("Too dear.")
                .setContact(Contact.newBuilder().setPhone("13800138000"))
                .build()
                .toByteArray());
    assertThat(json.fingerprint()).isEqualTo(proto.fingerprint());
    ComplaintRequest other =
        ComplaintRequest.fromJson(
            utf8(
                "{\"receipt_token\": \"abcdefgh234567\", \"category\": \"price\","
                    + " \"desired_outcome\": \"refund_money\", \"description\": \"Too dear!\"}"));
    assertThat(other.fingerprint()).isNotEqualTo(json.fingerprint());
  }

  @Test
  void everyInvalidFieldIsNamed() {
    IntakeException e =
        refusal(
            () ->
                ComplaintRequest.fromJson(
                    utf8(
                        "{\"category\": 7, \"desired_outcome\": \"fame\", \"description\": \"  \","
                            + " \"contact\": {\"phone\": \"123\", \"email\": \"a@b\", \"name\":"
                            + " \"\"}, \"extra\": true}")));
    assertThat(e.reasonCode()).isEqualTo(IntakeException.Reason.INVALID_FIELD);
    assertThat(e.reasonCode().status()).isEqualTo(422);
    assertThat(fields(e))
        .containsExactlyInAnyOrder(
            "extra",
            "receipt_token",
            "category",
            "desired_outcome",
            "description",
            "contact.email",
            "contact.phone",
            "contact.name");
    assertThat(e.toProblem().extensions().getAsJsonArray("errors")).hasSize(8);
  }

  @Test
  void malformedBodiesAreRefusedAs400() {
    for (String body :
        List.of(
            "",
            "[]",
            "{\"receipt_token\": \"A\"} {}",
            "{receipt_token: \"A\"}",
            "{\"receipt_token\": 'A'}",
            "{\"a\": 1,}",
            "// comment\n{}")) {
      IntakeException e = refusal(() -> ComplaintRequest.fromJson(utf8(body)));
      assertThat(e.reasonCode()).as(body).isEqualTo(IntakeException.Reason.MALFORMED_BODY);
      assertThat(e.reasonCode().status()).isEqualTo(400);
    }
    IntakeException notUtf8 =
        refusal(() -> ComplaintRequest.fromJson(new byte[] {'{', (byte) 0xC3, '}'}));
    assertThat(notUtf8.getMessage()).isEqualTo("The body is not valid UTF-8.");
  }

  @Test
  void duplicateMembersAreRefusedAtAnyDepth() {
    IntakeException e =
        refusal(
            () ->
                ComplaintRequest.fromJson(
                    utf8("{\"contact\": {\"phone\": \"13800138000\", \"phone\": \"1\"}}")));
    assertThat(fields(e)).containsExactly("contact.phone");
    assertThat(e.getMessage()).isEqualTo("contact.phone: contact.phone is given more than once.");
  }

  @Test
  void descriptionLimitsAndControlCharacters() {
    String ok = "x".repeat(2000);
    assertThat(parse(ok).details().description()).hasSize(2000);
    assertThat(fields(refusal(() -> parse(ok + "x")))).containsExactly("description");
    assertThat(fields(refusal(() -> parse("bell\u0007")))).containsExactly("description");
    assertThat(parse("two\nlines\tand tab").details().description())
        .isEqualTo("two\nlines\tand tab");
  }

  @Test
  void phoneFormats() {
    for (String good : List.of("+8613800138000", "13800138000", "0571-87654321", "01087654321")) {
      assertThat(parseWithPhone(good).details().contactPhone()).contains(good);
    }
    for (String bad :
        List.of("12800138000", "138 0013 8000", "+0123456789", "phone", "+86", "１３８00138000")) {
      assertThat(fields(refusal(() -> parseWithPhone(bad))))
          .as(bad)
          .containsExactly("contact.phone");
    }
  }

  @Test
  void protobufRefusesOtherOriginsUnknownFieldsAndUnspecifiedEnums() {
    byte[] merchantCode =
        Complaint.newBuilder()
            .setMerchantCode(dev.fangxin.protocol.v1.MerchantCodePayment.getDefaultInstance())
            .setDescription("x")
            .build()
            .toByteArray();
    assertThat(fields(refusal(() -> ComplaintRequest.fromProto(merchantCode))))
        .containsExactlyInAnyOrder("merchant_code", "category", "desired_outcome");
    byte[] unknown =
        Complaint.newBuilder()
            .setReceiptToken(TOKEN)
            .setCategory(ComplaintCategory.COMPLAINT_CATEGORY_OTHER)
            .setDesiredOutcome(DesiredOutcome.DESIRED_OUTCOME_OTHER)
            .setDescription("x")
            .setUnknownFields(
                com.google.protobuf.UnknownFieldSet.newBuilder()
                    .addField(
                        99,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build()
            .toByteArray();
    assertThat(fields(refusal(() -> ComplaintRequest.fromProto(unknown))))
        .containsExactly("field 99");
    byte[] unrecognized =
        Complaint.newBuilder()
            .setReceiptToken(TOKEN)
            .setCategoryValue(42)
            .setDesiredOutcome(DesiredOutcome.DESIRED_OUTCOME_OTHER)
            .setDescription("x")
            .build()
            .toByteArray();
    assertThat(fields(refusal(() -> ComplaintRequest.fromProto(unrecognized))))
        .containsExactly("category");
    assertThatThrownBy(() -> ComplaintRequest.fromProto(new byte[] {0x0a, 0x05, 'a'}))
        .isInstanceOf(IntakeException.class)
        .satisfies(
            x ->
                assertThat(((IntakeException) x).reasonCode())
                    .isEqualTo(IntakeException.Reason.MALFORMED_BODY));
  }

  private static ComplaintRequest parse(String description) {
    com.google.gson.JsonObject o = base();
    o.addProperty("description", description);
    return ComplaintRequest.fromJson(utf8(o.toString()));
  }

  private static ComplaintRequest parseWithPhone(String phone) {
    com.google.gson.JsonObject o = base();
    o.addProperty("description", "d");
    com.google.gson.JsonObject c = new com.google.gson.JsonObject();
    c.addProperty("phone", phone);
    o.add("contact", c);
    return ComplaintRequest.fromJson(utf8(o.toString()));
  }

  private static com.google.gson.JsonObject base() {
    com.google.gson.JsonObject o = new com.google.gson.JsonObject();
    o.addProperty("receipt_token", TOKEN);
    o.addProperty("category", "service");
    o.addProperty("desired_outcome", "apology");
    return o;
  }
}
