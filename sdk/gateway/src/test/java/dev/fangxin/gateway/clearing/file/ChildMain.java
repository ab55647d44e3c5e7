package dev.fangxin.gateway.clearing.file;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Runs in a child JVM for {@link ClearingFileChildProcessTest}: {@code read FILE} streams a file
 * through the reader and prints the record count and peak heap; {@code ingest URL USER FILE
 * ACQUIRER CHUNK} ingests and prints a line after every committed chunk.
 */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("read")) {
      long n = 0;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(args[1])));
          ClearingFileReader reader = ClearingFileReader.open(in, true)) {
        while (reader.next() != null) {
          n++;
        }
        System.out.println("records " + n + " lines " + reader.summary().lines());
      }
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.println("peak-heap " + peak);
      return;
    }
    StoreConfig config = StoreConfig.of(args[1], args[2], "", 2);
    try (Store store = Store.open(config)) {
      ClearingIngest.on(store, Clock.systemUTC(), Integer.parseInt(args[5]))
          .ingest(
              Path.of(args[3]),
              InstitutionCode.of(args[4]),
              new ClearingIngest.Listener() {
                @Override
                public void committed(long lines, long loaded) {
                  System.out.println("committed " + lines + " " + loaded);
                  System.out.flush();
                }
              });
      System.out.println("done");
    }
  }
}
