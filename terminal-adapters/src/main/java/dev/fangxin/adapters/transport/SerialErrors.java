package dev.fangxin.adapters.transport;

import dev.fangxin.adapters.transport.TransportException.Reason;

/**
 * Turns jSerialComm's "false plus an error number" into typed exceptions. Pure functions, no
 * jSerialComm types, so the mapping is tested without a port.
 */
final class SerialErrors {
  private SerialErrors() {}

  /**
   * Why {@code openPort()} returned false.
   *
   * @param errno {@code getLastErrorCode()}: errno on POSIX systems, GetLastError() on Windows
   * @param location {@code getLastErrorLocation()}: the line in jSerialComm's C source
   */
  static TransportException openFailure(
      String path, SerialSettings settings, int errno, int location, boolean windows) {
    String where =
        " ("
            + (windows ? "Windows error " : "errno ")
            + errno
            + " at jSerialComm line "
            + location
            + ")";
    if (windows) {
      switch (errno) {
        case 2: // ERROR_FILE_NOT_FOUND
        case 3: // ERROR_PATH_NOT_FOUND
          return new TransportException(
              Reason.NOT_FOUND, "Serial port " + path + " does not exist" + where + ".");
        case 5: // ERROR_ACCESS_DENIED: also what Windows says when another program holds it
          return new TransportException(
              Reason.PERMISSION_DENIED,
              "Access to serial port "
                  + path
                  + " was denied; on Windows this also means another"
                  + " program holds the port"
                  + where
                  + ".");
        case 32: // ERROR_SHARING_VIOLATION
          return new TransportException(
              Reason.BUSY, "Serial port " + path + " is held by another program" + where + ".");
        case 87: // ERROR_INVALID_PARAMETER
          return badSettings(path, settings, where);
        default:
          return io(path, where);
      }
    }
    switch (errno) {
      case 2: // ENOENT
      case 6: // ENXIO: a device node without a device behind it
      case 19: // ENODEV
        return new TransportException(
            Reason.NOT_FOUND,
            "Serial port " + path + " does not exist or has no device behind it" + where + ".");
      case 1: // EPERM
      case 13: // EACCES
        return new TransportException(
            Reason.PERMISSION_DENIED,
            "Permission to open serial port "
                + path
                + " was denied; on Linux the user usually"
                + " needs to be in the group that owns it (dialout or uucp)"
                + where
                + ".");
      case 16: // EBUSY
      case 11: // EAGAIN / EWOULDBLOCK on Linux: flock() found another holder
      case 35: // EAGAIN / EWOULDBLOCK on macOS and the BSDs
        return new TransportException(
            Reason.BUSY,
            "Serial port " + path + " is in use: another process holds its lock" + where + ".");
      case 22: // EINVAL
      case 25: // ENOTTY: not a terminal, or the driver refused a non-standard baud rate
        return badSettings(path, settings, where);
      default:
        return io(path, where);
    }
  }

  private static TransportException badSettings(
      String path, SerialSettings settings, String where) {
    return new TransportException(
        Reason.BAD_CONFIGURATION,
        path
            + " refused the settings "
            + settings
            + ": it is not a serial port, or its driver"
            + " does not support them (a non-standard baud rate on a pseudo-terminal, say)"
            + where
            + ".");
  }

  private static TransportException io(String path, String where) {
    return new TransportException(
        Reason.IO, "Serial port " + path + " could not be opened" + where + ".");
  }

  /** Whether an errno from a read or write means the device went away (unplugged, hung up). */
  static boolean isGone(int errno, boolean windows) {
    if (windows) {
      // ERROR_BAD_COMMAND, ERROR_GEN_FAILURE, ERROR_OPERATION_ABORTED, ERROR_DEVICE_NOT_CONNECTED
      return errno == 22 || errno == 31 || errno == 995 || errno == 1167;
    }
    // 0: jSerialComm lost the errno (it checks FIONREAD after a zero-byte read); EIO; ENXIO; ENODEV
    return errno == 0 || errno == 5 || errno == 6 || errno == 19;
  }
}
