package dev.fangxin.core.journal;

import java.io.PrintStream;
import java.nio.file.Paths;

/**
 * Run by {@link JournalIoFailureTest} in a child JVM under {@code ulimit -f}: appends 999-byte
 * records until the file size limit makes a write fail, printing each sequence number after its
 * append returns, then {@code failed <reason>} and, for a second attempt, {@code then <reason>}.
 *
 * <p>Argument: journal path.
 */
public final class FileSizeLimitChild {
  private FileSizeLimitChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, "US-ASCII");
    try (JournalFile journal = JournalFile.open(Paths.get(args[0]), JournalOptions.defaults())) {
      for (int i = 0; ; i++) {
        byte[] payload = new byte[999];
        payload[0] = (byte) i;
        try {
          journal.append(payload);
        } catch (JournalException e) {
          out.println("failed " + e.reason());
          break;
        }
        out.println(i);
      }
      try {
        journal.append(new byte[] {1});
        out.println("then succeeded");
      } catch (JournalException e) {
        out.println("then " + e.reason());
      }
    }
  }
}
