package dev.fangxin.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.adapters.transport.TransportException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SerialErrorsTest {
  private static final SerialSettings SETTINGS = SerialSettings.builder("/dev/ttyUSB0").build();

  @ParameterizedTest
  @CsvSource({
    "2, NOT_FOUND",
    "6, NOT_FOUND",
    "19, NOT_FOUND",
    "1, PERMISSION_DENIED",
    "13, PERMISSION_DENIED",
    "16, BUSY",
    "11, BUSY",
    "35, BUSY",
    "22, BAD_CONFIGURATION",
    "25, BAD_CONFIGURATION",
    "5, IO",
    "110, IO"
  })
  void posixErrnoMapsToReason(int errno, Reason reason) {
    assertThat(SerialErrors.openFailure("/dev/ttyUSB0", SETTINGS, errno, 500, false).reasonCode())
        .isEqualTo(reason);
  }

  @ParameterizedTest
  @CsvSource({
    "2, NOT_FOUND",
    "3, NOT_FOUND",
    "5, PERMISSION_DENIED",
    "32, BUSY",
    "87, BAD_CONFIGURATION",
    "1167, IO"
  })
  void windowsErrorMapsToReason(int error, Reason reason) {
    assertThat(SerialErrors.openFailure("COM3", SETTINGS, error, 500, true).reasonCode())
        .isEqualTo(reason);
  }

  @Test
  void messagesNameThePathAndTheNumber() {
    assertThat(SerialErrors.openFailure("/dev/ttyUSB0", SETTINGS, 13, 539, false))
        .hasMessage(
            "Permission to open serial port /dev/ttyUSB0 was denied; on Linux the user usually"
                + " needs to be in the group that owns it (dialout or uucp) (errno 13 at jSerialComm"
                + " line 539).");
    assertThat(SerialErrors.openFailure("/dev/ttyUSB0", SETTINGS, 16, 539, false))
        .hasMessage(
            "Serial port /dev/ttyUSB0 is in use: another process holds its lock (errno 16 at"
                + " jSerialComm line 539).");
    assertThat(SerialErrors.openFailure("/dev/ttyUSB0", SETTINGS, 110, 12, false))
        .hasMessage(
            "Serial port /dev/ttyUSB0 could not be opened (errno 110 at jSerialComm line 12).");
    assertThat(SerialErrors.openFailure("COM3", SETTINGS, 1167, 12, true))
        .hasMessage(
            "Serial port COM3 could not be opened (Windows error 1167 at jSerialComm line 12).");
  }

  @Test
  void goneErrnos() {
    assertThat(SerialErrors.isGone(5, false)).isTrue();
    assertThat(SerialErrors.isGone(0, false)).isTrue();
    assertThat(SerialErrors.isGone(13, false)).isFalse();
    assertThat(SerialErrors.isGone(1167, true)).isTrue();
    assertThat(SerialErrors.isGone(5, true)).isFalse();
  }

  @Test
  void readSlicesRoundUpToDecisecondsOnPosix() {
    assertThat(SerialTransport.slice(1, false)).isEqualTo(100);
    assertThat(SerialTransport.slice(100_000_000L, false)).isEqualTo(100);
    assertThat(SerialTransport.slice(150_000_000L, false)).isEqualTo(200);
    assertThat(SerialTransport.slice(30_000_000_000L, false)).isEqualTo(25_500);
    assertThat(SerialTransport.slice(150_000_000L, true)).isEqualTo(150);
    assertThat(SerialTransport.slice(30_000_000_000L, true)).isEqualTo(25_500);
  }
}
