package dev.fangxin.adapters.ecr;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.ecr.EcrException.Reason;
import dev.fangxin.adapters.testing.TerminalSimulator;
import dev.fangxin.core.money.Money;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TlvMessageCodecTest {
  private static final TlvMessageCodec CODEC = TlvMessageCodec.create();
  private static final SaleRequest SALE = SaleRequest.sale("R1", Money.of(12800, Money.CNY));
  private static final String APPROVAL =
      "SR0007RF002R1TT00200AP001ARC00200AM00512800CY003156PN016622202******1234AI00848020000"
          + "MI015898310048161234TI00810200001ST006000042RR012000000000042TM0101129090203"
          + "SD0041129AC006A1B2C3TS0101795914123";

  private static String ascii(byte[] b) {
    return new String(b, US_ASCII);
  }

  @Test
  void saleRequestBytes() {
    assertThat(ascii(CODEC.encodeRequest(SALE, 1)))
        .isEqualTo("SQ0001RF002R1TT00200AM00512800CY003156");
    assertThat(CODEC.decodeRequest("SQ0001RF002R1TT00200AM00512800CY003156".getBytes(US_ASCII)))
        .isEqualTo(SALE);
    SaleRequest refund = SaleRequest.of("abc-_9", Money.of(5, Money.JPY), TransactionType.REFUND);
    assertThat(ascii(CODEC.encodeRequest(refund, 9999)))
        .isEqualTo("SQ9999RF006abc-_9TT00220AM0015CY003392");
  }

  @Test
  void lastResultRequestBytes() {
    assertThat(ascii(CODEC.encodeRequest(LastResultRequest.of("R1"), 2)))
        .isEqualTo("LQ0002RF002R1");
    assertThat(CODEC.decodeRequest("LQ0002RF002R1".getBytes(US_ASCII)))
        .isEqualTo(LastResultRequest.of("R1"));
  }

  @Test
  void approvedSaleResponseBytes() {
    SaleResponse approval = TerminalSimulator.approval(SALE, 42);
    assertThat(ascii(CODEC.encodeResponse(approval, 7))).isEqualTo(APPROVAL);
    assertThat(CODEC.decodeResponse(APPROVAL.getBytes(US_ASCII))).isEqualTo(approval);
    assertThat(approval.toString())
        .isEqualTo("SaleResponse{R1, approved 00, CNY 128.00, 622202******1234, RRN 000000000042}");
  }

  @Test
  void declinedSaleResponseCarriesOnlyWhatItHas() {
    SaleResponse declined =
        SaleResponse.builder().ecrReference("R1").declined("51").amount(SALE.amount()).build();
    String bytes = "SR0001RF002R1TT00200AP001DRC00251AM00512800CY003156";
    assertThat(ascii(CODEC.encodeResponse(declined, 1))).isEqualTo(bytes);
    SaleResponse back = (SaleResponse) CODEC.decodeResponse(bytes.getBytes(US_ASCII));
    assertThat(back).isEqualTo(declined);
    assertThat(back.approved()).isFalse();
    assertThat(back.maskedPan()).isEmpty();
    assertThat(back.authCode()).isEmpty();
  }

  @Test
  void lastResultResponses() {
    assertThat(ascii(CODEC.encodeResponse(LastResultResponse.notFound("R1"), 3)))
        .isEqualTo("LR0003RF002R1FD001N");
    assertThat(CODEC.decodeResponse("LR0003RF002R1FD001N".getBytes(US_ASCII)))
        .isEqualTo(LastResultResponse.notFound("R1"));
    SaleResponse approval = TerminalSimulator.approval(SALE, 42);
    byte[] found = CODEC.encodeResponse(LastResultResponse.found(approval), 4);
    assertThat(ascii(found)).isEqualTo("LR0004FD001Y" + APPROVAL.substring(6));
    assertThat(CODEC.decodeResponse(found)).isEqualTo(LastResultResponse.found(approval));
  }

  @Test
  void fieldOrderDoesNotMatterAndUnknownTagsAreIgnored() {
    assertThat(
            CODEC.decodeRequest(
                "SQ0001ZZ003newCY003156AM00512800TT00200RF002R1".getBytes(US_ASCII)))
        .isEqualTo(SALE);
  }

  @Test
  void frameIdIsTypeAndSequence() {
    assertThat(CODEC.frameId(APPROVAL.getBytes(US_ASCII))).contains("SR0007");
    assertThat(CODEC.frameId("sr0007".getBytes(US_ASCII))).isEmpty();
    assertThat(CODEC.frameId("SR00".getBytes(US_ASCII))).isEmpty();
    assertThat(CODEC.sequence(APPROVAL.getBytes(US_ASCII))).isEqualTo(7);
    assertThat(CODEC.frameId(new byte[0])).isEqualTo(Optional.empty());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SR01 | header | message is 4 bytes; expected at least the 6-byte header (type and"
            + " sequence)",
        "Sr0001 | header | message type must be 2 ASCII capitals; byte 2 is not",
        "SR00x1 | header | sequence must be 4 ASCII digits; byte 4 is not",
        "SQ0001RF002R1 | type | message type \"SQ\" is not a response; expected SR or LR",
        "SR0001RF002R1TT00200AP001DRC00251AM00512800 | currency | message SR lacks the"
            + " required field CY (currency)",
        "SR0001TT00200AP001DRC00251AM00512800CY003156 | ecr_reference | message SR lacks the"
            + " required field RF (ecr_reference)",
        "SR0001RF002R1RF002R2 | RF | field RF appears twice",
        "SR0001RF009R1 | RF | field RF declares 9 bytes but only 2 remain",
        "SR0001RF0 | header | field at byte 6 is cut short: 3 bytes left, a tag and length need 5",
        "SR0001RF002R1TT00299AP001DRC00251AM00512800CY003156 | transaction_type | field TT"
            + " (transaction_type) \"99\" is not a known transaction type; expected \"00\" or"
            + " \"20\"",
        "SR0001RF002R1TT00200AP001XRC00251AM00512800CY003156 | outcome | field AP (outcome) must"
            + " be \"A\" or \"D\", got \"X\"",
        "SR0001RF002R1TT00200AP001DRC00251AM0010CY003156 | amount | field AM (amount) must be"
            + " more than zero",
        "SR0001RF002R1TT00200AP001DRC00251AM0031x0CY003156 | amount | field AM (amount): AM"
            + " must be ASCII digits; character 2 is not",
        "SR0001RF004R 1!TT00200AP001DRC00251AM00512800CY003156 | ecr_reference | field RF"
            + " (ecr_reference): ecrReference may contain only 0-9, A-Z, a-z, '-' and '_';"
            + " character 2 is not one of them",
        "LR0001RF002R1FD001? | found | field FD (found) must be \"Y\" or \"N\", got \"?\"",
      })
  void malformedResponsesNameTheField(String data, String field, String message) {
    assertThatThrownBy(() -> CODEC.decodeResponse(data.getBytes(US_ASCII)))
        .isInstanceOfSatisfying(
            EcrException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(Reason.BAD_MESSAGE);
              assertThat(e.reason()).isEqualTo("ecr.bad_message");
              assertThat(e.field()).isEqualTo(field);
            })
        .hasMessage(message);
  }

  @Test
  void invalidIdentifiersAreRejectedWithTheirField() {
    String stanZero = APPROVAL.replace("ST006000042", "ST006000000");
    assertThatThrownBy(() -> CODEC.decodeResponse(stanZero.getBytes(US_ASCII)))
        .isInstanceOfSatisfying(EcrException.class, e -> assertThat(e.field()).isEqualTo("stan"))
        .hasMessageStartingWith("field ST (stan) is not valid: ");
    String unknownCurrency = APPROVAL.replace("CY003156", "CY003999");
    assertThatThrownBy(() -> CODEC.decodeResponse(unknownCurrency.getBytes(US_ASCII)))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.field()).isEqualTo("currency"));
  }

  @Test
  void aFullCardNumberIsRejectedWithoutRepeatingIt() {
    String full = APPROVAL.replace("PN016622202******1234", "PN0164111119876543210");
    assertThatThrownBy(() -> CODEC.decodeResponse(full.getBytes(US_ASCII)))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.field()).isEqualTo("masked_pan"))
        .hasMessageStartingWith("field PN (masked_pan) is not valid: ")
        .message()
        .doesNotContain("411111")
        .doesNotContain("3210");
  }

  @Test
  void anApprovalWithoutItsTraceIsIncomplete() {
    String noRrn = APPROVAL.replace("RR012000000000042", "");
    assertThatThrownBy(() -> CODEC.decodeResponse(noRrn.getBytes(US_ASCII)))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.field()).isEqualTo("sale_response"))
        .hasMessage("sale response is incomplete: Approved sale response is missing: rrn.");
  }

  @Test
  void nonAsciiBytesAreRejected() {
    byte[] data = "SR0001RF002R1".getBytes(US_ASCII);
    data[11] = (byte) 0xC3;
    assertThatThrownBy(() -> CODEC.decodeResponse(data))
        .isInstanceOfSatisfying(EcrException.class, e -> assertThat(e.field()).isEqualTo("RF"))
        .hasMessage("byte 11 (in RF) is not printable ASCII (0x20-0x7E): 0xc3");
  }

  @Test
  void requestValuesValidate() {
    assertThatThrownBy(() -> SaleRequest.sale("R1", Money.of(0, Money.CNY)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("amount must be more than zero, got CNY 0.00");
    assertThatThrownBy(() -> LastResultRequest.of(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ecrReference must be 1 to 32 characters, got 0");
    assertThatThrownBy(() -> SaleResponse.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Sale response is missing: ecrReference, approved(code) or declined(code), amount.");
  }
}
