package dev.fangxin.bench;

import dev.fangxin.adapters.escpos.PrinterProfile;
import dev.fangxin.adapters.escpos.ReceiptLayout;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.receipt.ReceiptSigner;
import dev.fangxin.core.receipt.SignedReceipt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The SDK's own work per printed receipt: sign (two SM2 signatures and the hash chain), journal
 * append with a real fsync (the journal is on the build's disk, not tmpfs), receipt layout and
 * ESC/POS command encoding with a native QR. BENCHMARKS.md compares it with the time the receipt's
 * bytes need on a 115,200-baud line ({@link ReceiptBudget} prints the byte counts).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReceiptPrintBenchmark {
  TerminalKeyPair key;
  Path dir;
  ReceiptSigner signer;
  SignedReceipt sample;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    key = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    dir = Files.createTempDirectory(Path.of("target"), "fx-print-bench");
    signer = ReceiptSigner.open(key, dir.resolve("pos.journal"));
    sample = signer.sign(ReceiptBudget.sale());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    signer.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Layout and ESC/POS encoding only (native QR, 58 mm). */
  @Benchmark
  public byte[] layoutOnly() {
    return ReceiptBudget.layout(sample, PrinterProfile.mm58()).toBytes();
  }

  /** Everything the SDK does per receipt: sign, durable journal append, layout, encoding. */
  @Benchmark
  public byte[] sdkWorkPerReceipt() {
    SignedReceipt receipt = signer.sign(ReceiptBudget.sale());
    return ReceiptBudget.layout(receipt, PrinterProfile.mm58()).toBytes();
  }

  static List<ReceiptLayout.Item> items() {
    return ReceiptBudget.ITEMS;
  }

  static ZoneId zone() {
    return ZoneId.of("Asia/Shanghai");
  }
}
