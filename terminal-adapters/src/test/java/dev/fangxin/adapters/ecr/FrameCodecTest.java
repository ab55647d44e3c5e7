package dev.fangxin.adapters.ecr;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.ecr.EcrException.Reason;
import dev.fangxin.adapters.ecr.FrameFormat.LengthEncoding;
import dev.fangxin.adapters.ecr.FrameFormat.LrcCoverage;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameCodecTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();
  private static final byte[] DATA = "SQ0001RF002R1".getBytes(US_ASCII);

  private static FrameFormat format(LengthEncoding e, LrcCoverage c) {
    return FrameFormat.builder().lengthEncoding(e).lrcCoverage(c).build();
  }

  // Known answers computed independently (Python: functools.reduce(operator.xor, covered bytes)),
  // not by this code: 13 data bytes "SQ0001RF002R1", every length encoding and LRC coverage.
  @ParameterizedTest
  @CsvSource({
    "BCD_2,    LENGTH_DATA_ETX, 02 00 13 53 51 30 30 30 31 52 46 30 30 32 52 31 03 56",
    "BCD_2,    LENGTH_DATA,     02 00 13 53 51 30 30 30 31 52 46 30 30 32 52 31 03 55",
    "BCD_2,    DATA_ETX,        02 00 13 53 51 30 30 30 31 52 46 30 30 32 52 31 03 45",
    "BCD_2,    STX_THROUGH_ETX, 02 00 13 53 51 30 30 30 31 52 46 30 30 32 52 31 03 54",
    "BINARY_2, LENGTH_DATA_ETX, 02 00 0D 53 51 30 30 30 31 52 46 30 30 32 52 31 03 48",
    "BINARY_2, LENGTH_DATA,     02 00 0D 53 51 30 30 30 31 52 46 30 30 32 52 31 03 4B",
    "BINARY_2, DATA_ETX,        02 00 0D 53 51 30 30 30 31 52 46 30 30 32 52 31 03 45",
    "BINARY_2, STX_THROUGH_ETX, 02 00 0D 53 51 30 30 30 31 52 46 30 30 32 52 31 03 4A",
    "ASCII_4,  LENGTH_DATA_ETX, 02 30 30 31 33 53 51 30 30 30 31 52 46 30 30 32 52 31 03 47",
    "ASCII_4,  LENGTH_DATA,     02 30 30 31 33 53 51 30 30 30 31 52 46 30 30 32 52 31 03 44",
    "ASCII_4,  DATA_ETX,        02 30 30 31 33 53 51 30 30 30 31 52 46 30 30 32 52 31 03 45",
    "ASCII_4,  STX_THROUGH_ETX, 02 30 30 31 33 53 51 30 30 30 31 52 46 30 30 32 52 31 03 45",
  })
  void goldenFrames(LengthEncoding encoding, LrcCoverage coverage, String golden) {
    FrameCodec codec = FrameCodec.create(format(encoding, coverage));
    byte[] frame = codec.encode(DATA);
    assertThat(HEX.formatHex(frame)).isEqualTo(golden);

    // and it decodes back, fed one byte at a time
    List<FrameEvent> events = new ArrayList<>();
    for (byte b : frame) {
      events.addAll(codec.feed(new byte[] {b}));
    }
    assertThat(events).hasSize(1);
    assertThat(events.get(0).kind()).isEqualTo(FrameEvent.Kind.FRAME);
    assertThat(events.get(0).data()).isEqualTo(DATA);
  }

  @ParameterizedTest
  @CsvSource({"BINARY_2, 01 2C", "ASCII_4, 30 33 30 30", "BCD_2, 03 00"})
  void lengthFieldOf300Bytes(LengthEncoding encoding, String lengthHex) {
    byte[] frame =
        FrameCodec.create(format(encoding, LrcCoverage.LENGTH_DATA_ETX)).encode(new byte[300]);
    byte[] length = java.util.Arrays.copyOfRange(frame, 1, 1 + encoding.size());
    assertThat(HEX.formatHex(length)).isEqualTo(lengthHex);
    assertThat(frame).hasSize(1 + encoding.size() + 300 + 2);
  }

  @Test
  void presetsAreDocumentedShapes() {
    assertThat(FrameFormat.DEFAULT).isEqualTo(FrameFormat.BCD_LENGTH);
    assertThat(FrameFormat.BCD_LENGTH.toString())
        .isEqualTo("FrameFormat{BCD_2, LRC LENGTH_DATA_ETX, max 1024}");
    assertThat(FrameFormat.BINARY_LENGTH.lengthEncoding()).isEqualTo(LengthEncoding.BINARY_2);
    assertThat(FrameFormat.ASCII_LENGTH.lengthEncoding()).isEqualTo(LengthEncoding.ASCII_4);
    assertThat(FrameFormat.BINARY_LENGTH.toBuilder().maxDataLength(2048).build().maxDataLength())
        .isEqualTo(2048);
  }

  @Test
  void maxDataLengthMustFitTheEncoding() {
    assertThatThrownBy(
            () ->
                FrameFormat.builder()
                    .lengthEncoding(LengthEncoding.BCD_2)
                    .maxDataLength(10000)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "maxDataLength 10000 does not fit length encoding BCD_2, which writes at most 9999");
  }

  @Test
  void encodingOversizeDataFails() {
    FrameCodec codec = FrameCodec.create(FrameFormat.DEFAULT);
    assertThatThrownBy(() -> codec.encode(new byte[1025]))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.OVERSIZE_FRAME))
        .hasMessage("cannot frame 1025 data bytes: the frame format allows at most 1024");
  }

  @Test
  void badLrc() {
    FrameCodec codec = FrameCodec.create(FrameFormat.DEFAULT);
    byte[] frame = codec.encode(DATA);
    frame[frame.length - 1] = 0x00;
    List<FrameEvent> events = codec.feed(frame);
    assertError(
        events,
        Reason.BAD_LRC,
        "frame at stream offset 0 (13 data bytes): LRC 0x00 received, 0x56 computed over"
            + " LENGTH_DATA_ETX");
  }

  @Test
  void corruptedDataByteIsABadLrc() {
    FrameCodec codec = FrameCodec.create(FrameFormat.BINARY_LENGTH);
    byte[] frame = codec.encode(DATA);
    frame[5] ^= 0x01;
    assertThat(codec.feed(frame).get(0).error().reasonCode()).isEqualTo(Reason.BAD_LRC);
  }

  @Test
  void truncatedFrameIsReportedWhenTheLineGoesQuiet() {
    FrameCodec codec = FrameCodec.create(FrameFormat.DEFAULT);
    byte[] frame = codec.encode(DATA);
    assertThat(codec.feed(frame, 0, 10)).isEmpty();
    assertThat(codec.hasPartial()).isTrue();
    assertError(
        codec.idle(),
        Reason.TRUNCATED_FRAME,
        "frame at stream offset 0 stopped after 10 bytes of 18 (13 data bytes declared); the line"
            + " went quiet");
    assertThat(codec.hasPartial()).isFalse();
    // the next frame is decoded normally
    List<FrameEvent> events = codec.feed(frame);
    assertThat(events).extracting(FrameEvent::kind).containsExactly(FrameEvent.Kind.FRAME);
    assertThat(events.get(0).offset()).isEqualTo(10);
  }

  @Test
  void truncatedInTheLengthField() {
    FrameCodec codec = FrameCodec.create(FrameFormat.ASCII_LENGTH);
    codec.feed(new byte[] {0x02, '0', '0'});
    assertError(
        codec.idle(),
        Reason.TRUNCATED_FRAME,
        "frame at stream offset 0 stopped after 3 bytes (in its 4-byte length field); the line"
            + " went quiet");
  }

  @Test
  void oversizeFrameIsReportedAndSkipped() {
    FrameFormat small = FrameFormat.BINARY_LENGTH.toBuilder().maxDataLength(8).build();
    FrameCodec big = FrameCodec.create(FrameFormat.BINARY_LENGTH);
    FrameCodec codec = FrameCodec.create(small);
    byte[] stream =
        concat(
            big.encode(new byte[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}),
            big.encode(new byte[] {'o', 'k'}));
    List<FrameEvent> events = codec.feed(stream);
    assertThat(events)
        .extracting(FrameEvent::kind)
        .containsExactly(FrameEvent.Kind.ERROR, FrameEvent.Kind.FRAME);
    assertThat(events.get(0).error().reasonCode()).isEqualTo(Reason.OVERSIZE_FRAME);
    assertThat(events.get(0).error())
        .hasMessage(
            "frame at stream offset 0 declares 10 data bytes; the frame format allows at most 8"
                + " (the rest of the frame is skipped)");
    assertThat(events.get(1).data()).containsExactly('o', 'k');
    assertThat(events.get(1).offset()).isEqualTo(15);
  }

  @Test
  void noiseBetweenFramesIsSkippedAndReportedWithCountAndPosition() {
    FrameCodec codec = FrameCodec.create(FrameFormat.DEFAULT);
    byte[] a = codec.encode("A".getBytes(US_ASCII));
    byte[] stream = concat(a, "xyz".getBytes(US_ASCII), a);
    List<FrameEvent> events = codec.feed(stream);
    assertThat(events)
        .extracting(FrameEvent::kind)
        .containsExactly(FrameEvent.Kind.FRAME, FrameEvent.Kind.ERROR, FrameEvent.Kind.FRAME);
    assertThat(events.get(1).offset()).isEqualTo(6);
    assertThat(events.get(1).error().reasonCode()).isEqualTo(Reason.NOISE);
    assertThat(events.get(1).error())
        .hasMessage(
            "3 bytes outside a frame at stream offsets 6-8 (hex 78 79 7A); expected STX, ACK or"
                + " NAK");
    assertThat(events.get(2).offset()).isEqualTo(9);
  }

  @Test
  void longNoiseIsShortenedAndTrailingNoiseIsReportedWhenQuiet() {
    FrameCodec codec = FrameCodec.create(FrameFormat.DEFAULT);
    assertThat(codec.feed("0123456789".getBytes(US_ASCII))).isEmpty();
    assertError(
        codec.idle(),
        Reason.NOISE,
        "10 bytes outside a frame at stream offsets 0-9 (hex 30 31 32 33 34 35 36 37 ...);"
            + " expected STX, ACK or NAK");
    assertError(
        codec.feed(new byte[] {(byte) 0xFF}).isEmpty() ? codec.idle() : List.of(),
        Reason.NOISE,
        "1 byte outside a frame at stream offset 10 (hex FF); expected STX, ACK or NAK");
  }

  @Test
  void ackAndNakOutsideFrames() {
    FrameCodec codec = FrameCodec.create(FrameFormat.DEFAULT);
    List<FrameEvent> events = codec.feed(new byte[] {0x06, 0x15, '?', 0x06});
    assertThat(events)
        .extracting(FrameEvent::kind)
        .containsExactly(
            FrameEvent.Kind.ACK, FrameEvent.Kind.NAK, FrameEvent.Kind.ERROR, FrameEvent.Kind.ACK);
    assertThat(events).extracting(FrameEvent::offset).containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void missingEtxResynchronizesOnTheOffendingByte() {
    FrameCodec codec = FrameCodec.create(FrameFormat.DEFAULT);
    byte[] good = codec.encode("OK".getBytes(US_ASCII));
    // A stray STX and a length of 1 swallow "X"; where ETX should be, the real frame's STX begins.
    byte[] stream = concat(new byte[] {0x02, 0x00, 0x01, 'X'}, good);
    List<FrameEvent> events = codec.feed(stream);
    assertThat(events)
        .extracting(FrameEvent::kind)
        .containsExactly(FrameEvent.Kind.ERROR, FrameEvent.Kind.FRAME);
    assertThat(events.get(0).error().reasonCode()).isEqualTo(Reason.NO_ETX);
    assertThat(events.get(0).error())
        .hasMessage(
            "frame at stream offset 0: expected ETX (0x03) after 1 data bytes at offset 4, got"
                + " 0x02");
    assertThat(events.get(1).data()).isEqualTo("OK".getBytes(US_ASCII));
  }

  @ParameterizedTest
  @CsvSource({
    "BCD_2, 02 0A 00, length field (hex 0A 00) is not valid BCD_2; expected 4 BCD digits 0-9",
    "ASCII_4, 02 30 30 41 31, length field (hex 30 30 41 31) is not valid ASCII_4; expected 4"
        + " ASCII digits"
  })
  void badLengthField(LengthEncoding encoding, String hex, String message) {
    FrameCodec codec = FrameCodec.create(format(encoding, LrcCoverage.LENGTH_DATA_ETX));
    assertError(
        codec.feed(HEX.parseHex(hex)), Reason.BAD_LENGTH, "frame at stream offset 0: " + message);
  }

  @Test
  void randomSplitsOfAStreamDecodeTheSame() {
    FrameCodec encoder = FrameCodec.create(FrameFormat.BINARY_LENGTH);
    byte[] stream =
        concat(
            encoder.encode(DATA),
            new byte[] {0x06, 'n', 'o'},
            encoder.encode(new byte[0]),
            encoder.encode(new byte[1024]));
    List<String> expected = describe(FrameCodec.create(FrameFormat.BINARY_LENGTH).feed(stream));
    assertThat(expected)
        .containsExactly(
            "FRAME@0 (13 bytes)", "ACK@18", "FRAME@21 (0 bytes)", "FRAME@26 (1024 bytes)");
    assertThat(expected.size()).isEqualTo(4);
    Random random = new Random(42);
    for (int round = 0; round < 50; round++) {
      FrameCodec codec = FrameCodec.create(FrameFormat.BINARY_LENGTH);
      List<FrameEvent> events = new ArrayList<>();
      int at = 0;
      while (at < stream.length) {
        int n = Math.min(stream.length - at, 1 + random.nextInt(40));
        events.addAll(codec.feed(stream, at, n));
        at += n;
      }
      events.addAll(codec.idle());
      // noise "no" is reported when the next STX arrives
      List<String> got = describe(events);
      assertThat(got)
          .contains("FRAME@0 (13 bytes)", "ACK@18", "FRAME@21 (0 bytes)", "FRAME@26 (1024 bytes)");
    }
  }

  private static List<String> describe(List<FrameEvent> events) {
    List<String> out = new ArrayList<>();
    for (FrameEvent e : events) {
      if (e.kind() != FrameEvent.Kind.ERROR) {
        out.add(e.toString());
      }
    }
    return out;
  }

  static void assertError(List<FrameEvent> events, Reason reason, String message) {
    assertThat(events).hasSize(1);
    assertThat(events.get(0).kind()).isEqualTo(FrameEvent.Kind.ERROR);
    EcrException e = events.get(0).error();
    assertThat(e.reasonCode()).isEqualTo(reason);
    assertThat(e.reason()).isEqualTo("ecr." + reason.name().toLowerCase(java.util.Locale.ROOT));
    assertThat(e).hasMessage(message);
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }
}
