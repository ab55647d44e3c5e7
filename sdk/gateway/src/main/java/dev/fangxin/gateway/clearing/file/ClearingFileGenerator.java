package dev.fangxin.gateway.clearing.file;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * Generates valid clearing files of any size for tests and benchmarks: the same seed, acquirer,
 * date, batch ID and count always give the same bytes.
 *
 * <p>Record {@code i} (from 0) has STAN {@code i mod 999999 + 1} and a transmission time of the
 * file date at second {@code (i div 999999 + seed) mod 86400}, so durable traces are distinct for
 * up to 86 399 913 601 records. Card numbers are random 16-digit numbers starting 622202 (full, as
 * an acquirer's file carries them); merchants and terminals come from a pool of 1000. Stateless and
 * thread-safe.
 */
public final class ClearingFileGenerator {
  private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;
  private static final String ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private ClearingFileGenerator() {}

  /**
   * Writes a file of {@code records} detail records to {@code file}, replacing it.
   *
   * @return the header written
   * @throws IllegalArgumentException if {@code records} is negative
   * @throws IOException if the file cannot be written
   */
  public static ClearingFileHeader generate(
      Path file, ClearingFileHeader header, long records, long seed) throws IOException {
    requireNonNull(file, "file == null");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      write(out, header, records, seed);
    }
    return header;
  }

  /** Writes the file to {@code out} (not closed). */
  public static void write(OutputStream out, ClearingFileHeader header, long records, long seed)
      throws IOException {
    requireNonNull(header, "header == null");
    if (records < 0) {
      throw new IllegalArgumentException("records must not be negative, got " + records);
    }
    SplittableRandom random = new SplittableRandom(seed);
    ClearingFileWriter w = ClearingFileWriter.start(out, header);
    String date = header.fileDate().format(YYYYMMDD);
    String mmdd = date.substring(4);
    String settlement = header.fileDate().plusDays(1).format(YYYYMMDD);
    ClearingFileWriter.Detail d = new ClearingFileWriter.Detail();
    d.acquirer = header.acquirer().value();
    for (long i = 0; i < records; i++) {
      int second = (int) Math.floorMod(i / 999_999 + seed, 86_400L);
      String hhmmss = pad(second / 3600, 2) + pad(second / 60 % 60, 2) + pad(second % 60, 2);
      d.forwarding = "0" + (48000000 + random.nextInt(10));
      d.stan = pad(i % 999_999 + 1, 6);
      d.transmissionTime = mmdd + hhmmss;
      d.settlementDate = settlement;
      d.cardNumber = "622202" + pad(random.nextLong(10_000_000_000L), 10);
      d.amount = 1 + random.nextInt(9_999_999);
      d.currency = 156;
      d.messageType = "0200";
      d.processingCode = "000000";
      d.mcc = pad(5000 + random.nextInt(1000), 4);
      int merchant = random.nextInt(1000);
      d.merchantNumber = "898" + pad(3_100_000 + merchant, 12);
      int tool = random.nextInt(10);
      if (tool < 8) {
        d.toolType = "01";
        d.terminalId = "T" + pad(merchant, 3) + alnum(random, 4);
        d.voucherNumber = "";
      } else {
        d.toolType = tool == 8 ? "02" : "03";
        d.terminalId = "";
        d.voucherNumber = pad(random.nextLong(1_000_000_000_000_000L), 20);
      }
      d.rrn = pad(random.nextLong(1_000_000_000_000L), 12);
      d.transactionTime = date + hhmmss;
      w.detail(d);
    }
    w.finish();
  }

  private static String alnum(SplittableRandom random, int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = ALNUM.charAt(random.nextInt(ALNUM.length()));
    }
    return new String(c);
  }

  private static String pad(long v, int width) {
    String s = Long.toString(v);
    if (s.length() >= width) {
      return s;
    }
    return "0".repeat(width - s.length()) + s;
  }
}
