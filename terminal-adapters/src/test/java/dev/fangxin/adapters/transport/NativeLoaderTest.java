package dev.fangxin.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.transport.TransportException.Reason;
import dev.fangxin.core.FangxinException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The native library guard, through the injectable initializer: the real jSerialComm cannot be made
 * to fail here (tests run as root, so an unwritable java.io.tmpdir is not unwritable), and a real
 * failure would poison the class for the rest of the JVM.
 */
class NativeLoaderTest {
  private static final String TMPDIR = System.getProperty("java.io.tmpdir");

  @Test
  void linkErrorBecomesNativeUnavailableAndIsRemembered() {
    AtomicInteger calls = new AtomicInteger();
    UnsatisfiedLinkError error =
        new UnsatisfiedLinkError("libjSerialComm.so: cannot open shared object");
    NativeLoader loader =
        new NativeLoader(
            () -> {
              calls.incrementAndGet();
              throw error;
            },
            "Linux",
            "Debian");
    String expected =
        "Serial ports are not available: jSerialComm's native library could not be loaded"
            + " (UnsatisfiedLinkError: libjSerialComm.so: cannot open shared object). Check that"
            + " java.io.tmpdir ("
            + TMPDIR
            + ") is writable and allows executing files, or point jSerialComm.library.path at an"
            + " extracted copy.";
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(loader::ensureLoaded)
          .isInstanceOfSatisfying(
              TransportException.class,
              e -> {
                assertThat(e.reasonCode()).isEqualTo(Reason.NATIVE_UNAVAILABLE);
                assertThat(e.reason()).isEqualTo("transport.native_unavailable");
              })
          .hasMessage(expected)
          .hasCause(error);
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void initializerErrorIsUnwrappedInTheMessage() {
    NativeLoader loader =
        new NativeLoader(
            () -> {
              throw new ExceptionInInitializerError(
                  new IllegalStateException("read-only file system\nsecond line"));
            },
            "Linux",
            "Debian");
    assertThatThrownBy(loader::ensureLoaded)
        .isInstanceOf(TransportException.class)
        .hasMessageStartingWith(
            "Serial ports are not available: jSerialComm's native library could not be loaded"
                + " (IllegalStateException: read-only file system). ")
        .hasCauseInstanceOf(ExceptionInInitializerError.class);
  }

  @Test
  void unknownOperatingSystemIsRefusedWithoutTouchingJSerialComm() {
    AtomicInteger calls = new AtomicInteger();
    NativeLoader loader = new NativeLoader(calls::incrementAndGet, "Plan 9", "Bell Labs");
    assertThatThrownBy(loader::ensureLoaded)
        .isInstanceOfSatisfying(
            TransportException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(Reason.NATIVE_UNAVAILABLE))
        .hasMessage(
            "Serial ports are not available: jSerialComm has no native library for the operating"
                + " system 'Plan 9' (it supports Linux, Windows, macOS, FreeBSD, OpenBSD, Solaris"
                + " and Android).");
    assertThat(calls).hasValue(0);
  }

  @Test
  void successIsRememberedToo() {
    AtomicInteger calls = new AtomicInteger();
    NativeLoader loader = new NativeLoader(calls::incrementAndGet, "Linux", "Debian");
    loader.ensureLoaded();
    loader.ensureLoaded();
    assertThat(calls).hasValue(1);
  }

  @Test
  void supportedSystemsMatchJSerialCommsOwnList() {
    assertThat(NativeLoader.supported("Linux", "")).isTrue();
    assertThat(NativeLoader.supported("Windows 11", "")).isTrue();
    assertThat(NativeLoader.supported("Mac OS X", "")).isTrue();
    assertThat(NativeLoader.supported("FreeBSD", "")).isTrue();
    assertThat(NativeLoader.supported("SunOS", "")).isTrue();
    assertThat(NativeLoader.supported("Dalvik", "The Android Project")).isTrue();
    assertThat(NativeLoader.supported("z/OS", "IBM")).isFalse();
  }

  @Test
  void openReportsTheLoaderFailure() {
    NativeLoader failing =
        new NativeLoader(
            () -> {
              throw new NoClassDefFoundError("com/fazecast/jSerialComm/SerialPort");
            },
            "Linux",
            "Debian");
    assertThatThrownBy(
            () -> SerialTransport.open(SerialSettings.builder("/dev/null").build(), failing))
        .isInstanceOfSatisfying(
            TransportException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(Reason.NATIVE_UNAVAILABLE))
        .hasMessageContaining("(NoClassDefFoundError: com/fazecast/jSerialComm/SerialPort)");
  }

  /**
   * Loads this package in a fresh class loader, uses settings, TCP and stream classes and fails a
   * serial open on a missing path: jSerialComm's SerialPort class must not even be loaded.
   */
  @Test
  void nothingLoadsJSerialCommBeforeAPortIsOpened() throws Exception {
    URL classes = SerialTransport.class.getProtectionDomain().getCodeSource().getLocation();
    URL core = FangxinException.class.getProtectionDomain().getCodeSource().getLocation();
    URL jar = jarOf(ClassLoader.getSystemResource("com/fazecast/jSerialComm/SerialPort.class"));
    try (Isolated loader = new Isolated(new URL[] {classes, core, jar})) {
      Class<?> settingsClass = Class.forName(SerialSettings.class.getName(), true, loader);
      Object builder =
          settingsClass.getMethod("builder", String.class).invoke(null, "/dev/ttyFANGXIN-missing");
      Object settings = builder.getClass().getMethod("build").invoke(builder);
      Class.forName(TcpTransport.class.getName(), true, loader);
      Class.forName(StreamTransport.class.getName(), true, loader);
      Class<?> serial = Class.forName(SerialTransport.class.getName(), true, loader);
      Method open = serial.getMethod("open", settingsClass);
      assertThatThrownBy(() -> invoke(open, settings))
          .hasMessage("Serial port /dev/ttyFANGXIN-missing does not exist.");
      assertThat(loader.loaded("com.fazecast.jSerialComm.SerialPort")).isFalse();
      assertThat(loader.loaded(TcpTransport.class.getName())).isTrue();
    }
  }

  private static void invoke(Method m, Object arg) throws Throwable {
    try {
      m.invoke(null, arg);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static URL jarOf(URL resource) throws Exception {
    String s = resource.toString(); // jar:file:/.../jSerialComm-2.11.2.jar!/com/...
    return new URL(s.substring("jar:".length(), s.indexOf("!/")));
  }

  private static final class Isolated extends URLClassLoader {
    Isolated(URL[] urls) {
      super(urls, ClassLoader.getPlatformClassLoader());
    }

    boolean loaded(String name) {
      return findLoadedClass(name) != null;
    }
  }
}
