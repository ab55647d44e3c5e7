package dev.fangxin.adapters.transport;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Loads jSerialComm's native library once, on the first {@link SerialTransport#open}, and turns
 * every way that can fail into {@link TransportException.Reason#NATIVE_UNAVAILABLE}.
 *
 * <p>jSerialComm's {@code SerialPort} class extracts a native library to a temporary folder from
 * its static initializer and calls {@code System.exit(-1)} there when it does not know the
 * operating system. So, before its class is initialized, this loader:
 *
 * <ol>
 *   <li>refuses operating systems jSerialComm 2.11 does not know (the {@code System.exit} branch)
 *       without touching the class;
 *   <li>sets {@code fazecast.jSerialComm.appid} to {@code fangxin} unless the application set it,
 *       so the library is extracted to {@code <java.io.tmpdir>/jSerialComm/fangxin/<version>}
 *       rather than the folder every jSerialComm application shares and cleans up;
 *   <li>sets {@code jSerialComm.library.randomizeNativeName} to {@code true} unless set, so two
 *       JVMs never write over the file the other one is loading;
 *   <li>initializes the class and catches whatever it throws ({@link UnsatisfiedLinkError}, {@link
 *       ExceptionInInitializerError}, {@link NoClassDefFoundError}, anything but a {@link
 *       VirtualMachineError}).
 * </ol>
 *
 * <p>A failure is remembered: later calls report it again without retrying (a class whose
 * initializer failed cannot be initialized again in this JVM anyway). Thread-safe.
 */
final class NativeLoader {
  /** Initializes the native side; throws whatever the library throws. */
  interface Initializer {
    void initialize() throws Throwable;
  }

  static final String JSERIALCOMM_CLASS = "com.fazecast.jSerialComm.SerialPort";
  static final String APP_ID_PROPERTY = "fazecast.jSerialComm.appid";
  static final String RANDOMIZE_PROPERTY = "jSerialComm.library.randomizeNativeName";

  private static final NativeLoader SYSTEM =
      new NativeLoader(
          NativeLoader::initializeJSerialComm,
          System.getProperty("os.name", ""),
          System.getProperty("java.vm.vendor", ""));

  private final Initializer initializer;
  private final String osName;
  private final String vmVendor;
  private boolean loaded;
  private TransportException failure;

  /** For tests: an injected initializer and system identity. */
  NativeLoader(Initializer initializer, String osName, String vmVendor) {
    this.initializer = requireNonNull(initializer, "initializer == null");
    this.osName = requireNonNull(osName, "osName == null");
    this.vmVendor = requireNonNull(vmVendor, "vmVendor == null");
  }

  /** The loader for jSerialComm in this JVM. */
  static NativeLoader system() {
    return SYSTEM;
  }

  /**
   * Loads the library if that has not happened yet.
   *
   * @throws TransportException {@code NATIVE_UNAVAILABLE}, now and on every later call, when it
   *     cannot be loaded
   */
  synchronized void ensureLoaded() {
    if (loaded) {
      return;
    }
    if (failure == null) {
      failure = load();
      loaded = failure == null;
    }
    if (failure != null) {
      // A fresh exception so the caller's stack is in it; same sentence and cause every time.
      throw new TransportException(
          TransportException.Reason.NATIVE_UNAVAILABLE, failure.getMessage(), failure.getCause());
    }
  }

  private TransportException load() {
    if (!supported(osName, vmVendor)) {
      return new TransportException(
          TransportException.Reason.NATIVE_UNAVAILABLE,
          "Serial ports are not available: jSerialComm has no native library for the operating"
              + " system '"
              + osName
              + "' (it supports Linux, Windows, macOS, FreeBSD, OpenBSD, Solaris and Android).");
    }
    setIfAbsent(APP_ID_PROPERTY, "fangxin");
    setIfAbsent(RANDOMIZE_PROPERTY, "true");
    try {
      initializer.initialize();
      return null;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      Throwable root =
          t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
      return new TransportException(
          TransportException.Reason.NATIVE_UNAVAILABLE,
          "Serial ports are not available: jSerialComm's native library could not be loaded ("
              + root.getClass().getSimpleName()
              + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage()))
              + "). Check that java.io.tmpdir ("
              + System.getProperty("java.io.tmpdir")
              + ") is writable and allows executing files, or point jSerialComm.library.path at"
              + " an extracted copy.",
          t);
    }
  }

  /** Whether jSerialComm 2.11's static initializer knows this system (else it calls exit). */
  static boolean supported(String osName, String vmVendor) {
    String os = osName.toLowerCase(Locale.ROOT);
    return vmVendor.toLowerCase(Locale.ROOT).contains("android")
        || os.contains("win")
        || os.contains("mac")
        || os.contains("sunos")
        || os.contains("solaris")
        || os.contains("freebsd")
        || os.contains("openbsd")
        || os.contains("nix")
        || os.contains("nux");
  }

  private static void setIfAbsent(String key, String value) {
    try {
      if (System.getProperty(key) == null) {
        System.setProperty(key, value);
      }
    } catch (SecurityException ignored) {
      // A security manager forbids it: jSerialComm then uses its defaults.
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  private static void initializeJSerialComm() throws ClassNotFoundException {
    Class.forName(JSERIALCOMM_CLASS, true, NativeLoader.class.getClassLoader());
  }
}
