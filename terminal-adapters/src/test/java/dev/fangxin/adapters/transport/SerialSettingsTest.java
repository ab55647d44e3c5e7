package dev.fangxin.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.transport.SerialSettings.FlowControl;
import dev.fangxin.adapters.transport.SerialSettings.Parity;
import dev.fangxin.adapters.transport.SerialSettings.StopBits;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SerialSettingsTest {
  @Test
  void defaultsAre9600_8N1() {
    SerialSettings s = SerialSettings.builder("/dev/ttyUSB0").build();
    assertThat(s.portPath()).isEqualTo("/dev/ttyUSB0");
    assertThat(s.baudRate()).isEqualTo(9600);
    assertThat(s.dataBits()).isEqualTo(8);
    assertThat(s.parity()).isEqualTo(Parity.NONE);
    assertThat(s.stopBits()).isEqualTo(StopBits.ONE);
    assertThat(s.flowControl()).isEqualTo(FlowControl.NONE);
    assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.writeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s).hasToString("9600 8N1");
  }

  @Test
  void toStringUsesTheShortForm() {
    assertThat(
            SerialSettings.builder("COM3")
                .baudRate(19200)
                .dataBits(7)
                .parity(Parity.EVEN)
                .stopBits(StopBits.TWO)
                .build())
        .hasToString("19200 7E2");
    assertThat(
            SerialSettings.builder("COM3")
                .dataBits(5)
                .parity(Parity.MARK)
                .stopBits(StopBits.ONE_POINT_FIVE)
                .build())
        .hasToString("9600 5M1.5");
    assertThat(
            SerialSettings.builder("COM3")
                .baudRate(115200)
                .parity(Parity.SPACE)
                .flowControl(FlowControl.RTS_CTS)
                .build())
        .hasToString("115200 8S1 RTS/CTS");
    assertThat(
            SerialSettings.builder("COM3")
                .baudRate(38400)
                .parity(Parity.ODD)
                .flowControl(FlowControl.XON_XOFF)
                .build())
        .hasToString("38400 8O1 XON/XOFF");
  }

  @Test
  void toBuilderRoundTripsAndEqualityIsByValue() {
    SerialSettings s =
        SerialSettings.builder("/dev/ttyS0")
            .baudRate(57600)
            .dataBits(7)
            .parity(Parity.ODD)
            .stopBits(StopBits.TWO)
            .flowControl(FlowControl.XON_XOFF)
            .readTimeout(Duration.ZERO)
            .writeTimeout(Duration.ofMillis(250))
            .build();
    assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
    assertThat(s.toBuilder().baudRate(9600).build()).isNotEqualTo(s);
  }

  @Test
  void badValuesSayWhatWasWrong() {
    assertBad(
        () -> SerialSettings.builder(" "),
        "The serial port path is empty; expected a device such as /dev/ttyUSB0.");
    assertBad(
        () -> SerialSettings.builder("/dev/tty\0S0"),
        "The serial port path contains a NUL character.");
    assertBad(
        () -> SerialSettings.builder("COM1").baudRate(0),
        "The baud rate must be positive, e.g. 9600 or 115200; got 0.");
    assertBad(
        () -> SerialSettings.builder("COM1").dataBits(9), "Data bits must be 5, 6, 7 or 8; got 9.");
    assertBad(
        () -> SerialSettings.builder("COM1").dataBits(4), "Data bits must be 5, 6, 7 or 8; got 4.");
    assertBad(
        () -> SerialSettings.builder("COM1").stopBits(StopBits.ONE_POINT_FIVE).build(),
        "1.5 stop bits exist with 5 data bits only; got 8 data bits. Use ONE or TWO stop bits.");
    assertBad(
        () -> SerialSettings.builder("COM1").readTimeout(Duration.ofMillis(-1)),
        "The read timeout must be zero or positive; got PT-0.001S.");
    assertBad(
        () -> SerialSettings.builder("COM1").writeTimeout(Duration.ZERO),
        "The write timeout must be positive; got PT0S.");
    assertBad(
        () -> SerialSettings.builder("COM1").writeTimeout(Duration.ofDays(30)),
        "The write timeout must be at most 2147483647 ms; got PT720H.");
  }

  @Test
  void nullsAreRefusedAtTheDoor() {
    assertThatThrownBy(() -> SerialSettings.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("portPath == null");
    assertThatThrownBy(() -> SerialSettings.builder("COM1").parity(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("parity == null");
  }

  private static void assertBad(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            TransportException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(TransportException.Reason.BAD_CONFIGURATION);
              assertThat(e.reason()).isEqualTo("transport.bad_configuration");
            })
        .hasMessage(message);
  }
}
