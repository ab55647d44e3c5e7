package dev.fangxin.core.journal;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.PrintStream;
import java.nio.file.Paths;

/**
 * Run by {@link JournalCrashTest} in a child JVM: appends numbered records from several threads
 * until killed, printing {@code <thread>:<sequence>} on stdout after each append returns.
 *
 * <p>Arguments: journal path, {@link SyncMode} name, thread count.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    JournalOptions options = JournalOptions.builder().syncMode(SyncMode.valueOf(args[1])).build();
    int threads = Integer.parseInt(args[2]);
    PrintStream out = new PrintStream(System.out, true, "US-ASCII");
    JournalFile journal = JournalFile.open(Paths.get(args[0]), options);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread appender =
          new Thread(
              () -> {
                for (int i = 0; ; i++) {
                  byte[] payload = new byte[64 + (i * 37) % 900];
                  byte[] label = (thread + ":" + i + ":").getBytes(US_ASCII);
                  System.arraycopy(label, 0, payload, 0, label.length);
                  journal.append(payload);
                  out.println(thread + ":" + i);
                }
              });
      appender.start();
    }
    Thread.currentThread().join(); // until killed
  }
}
