package dev.fangxin.core.receipt;

import dev.fangxin.core.key.TerminalKeyPair;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ReceiptSignerCrashTest}: signs receipts and reports each on standard
 * output after it is durable. Arguments: journal, PKCS#8 key file, reservation block, receipts to
 * sign before stopping between reserve and append ("hang") or -1 to sign forever.
 */
public final class SignerCrashChild {
  private SignerCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path journal = Path.of(args[0]);
    TerminalKeyPair key = TerminalKeyPair.fromPkcs8Pem(Files.readString(Path.of(args[1])));
    int block = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    ReceiptSigner signer =
        ReceiptSigner.open(
            key, journal, ReceiptSigner.Options.defaults().withReservationBlock(block));
    for (int i = 0; count < 0 || i < count; i++) {
      SignedReceipt r = signer.sign(Fixtures.sale(100 + i));
      System.out.println("SIGNED " + r.sequence());
      System.out.flush();
    }
    signer.afterReserve(
        () -> {
          System.out.println("RESERVED " + signer.nextSequence());
          System.out.flush();
          try {
            Thread.sleep(Long.MAX_VALUE);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    signer.sign(Fixtures.sale(1));
  }
}
