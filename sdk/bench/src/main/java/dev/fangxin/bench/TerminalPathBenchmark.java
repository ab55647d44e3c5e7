package dev.fangxin.bench;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import dev.fangxin.core.receipt.ReceiptSigner;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.core.receipt.Transaction;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.protocol.v1.TransactionType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.SM2Signer;
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
 * The terminal path against its floor. Baselines: one raw Bouncy Castle SM2 signature over the same
 * number of bytes, and one raw ZXing encode of the same URL to a {@link BitMatrix}. Fangxin's
 * paths: the dispute token alone (sign + token + URL + QR matrix), and the whole {@link
 * ReceiptSigner#sign} (two signatures, hash chain, journal append on tmpfs) + URL + QR matrix.
 * BENCHMARKS.md states the ratios and the command.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TerminalPathBenchmark {
  static final String BASE = "HTTPS://FX.EXAMPLE.CN/HZ"; // 24 characters

  TerminalKeyPair key;
  Transaction transaction;
  String url;
  byte[] signedBytes;
  SM2Signer rawSigner;
  SM2Signer reusedSigner;
  ParametersWithID rawSignParams;
  Map<EncodeHintType, Object> zxingHints;
  Path journalDir;
  ReceiptSigner receiptSigner;
  dev.fangxin.core.journal.JournalFile rawJournal;
  final byte[] record400 = new byte[400];
  long sequence;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    key = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    transaction =
        Transaction.builder()
            .type(TransactionType.TRANSACTION_TYPE_SALE)
            .amount(Money.of(12_800, Money.CNY))
            .time(Instant.parse("2026-11-29T08:00:00Z"))
            .acquirer(InstitutionCode.of("48020000"))
            .merchantNumber(MerchantNumber.of("898330160120001"))
            .terminalId(TerminalId.of("T0000001"))
            .maskedPan(MaskedPan.of("622202******1234"))
            .build();
    DisputeClaim claim = claim(1);
    DisputeToken token = DisputeToken.sign(claim, key);
    url = DisputeLink.of(BASE, token).toString();
    signedBytes = DisputeToken.signedBytes(claim.toBytes());

    X9ECParameters x9 = CustomNamedCurves.getByOID(GMObjectIdentifiers.sm2p256v1);
    ECDomainParameters domain =
        new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
    ECKeyPairGenerator generator = new ECKeyPairGenerator();
    generator.init(new ECKeyGenerationParameters(domain, new SecureRandom()));
    ECPrivateKeyParameters rawPrivate =
        (ECPrivateKeyParameters) generator.generateKeyPair().getPrivate();
    rawSigner = new SM2Signer(PlainDSAEncoding.INSTANCE, new SM3Digest());
    rawSignParams =
        new ParametersWithID(
            new ParametersWithRandom(rawPrivate, new SecureRandom()),
            "1234567812345678".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    reusedSigner = new SM2Signer(PlainDSAEncoding.INSTANCE, new SM3Digest());
    reusedSigner.init(true, rawSignParams);
    zxingHints = Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M);

    Path shm = Path.of("/dev/shm");
    journalDir =
        Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of("target"), "fx-bench");
    receiptSigner = ReceiptSigner.open(key, journalDir.resolve("bench.journal"));
    rawJournal =
        dev.fangxin.core.journal.JournalFile.open(
            journalDir.resolve("raw.journal"), dev.fangxin.core.journal.JournalOptions.defaults());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    receiptSigner.close();
    rawJournal.close();
    try (Stream<Path> files = Files.walk(journalDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private DisputeClaim claim(long seq) {
    return DisputeClaim.of(
        TransactionType.TRANSACTION_TYPE_SALE,
        key.keyId(),
        seq,
        Instant.parse("2026-11-29T08:00:00Z"),
        Money.of(12_800, Money.CNY));
  }

  /** Baseline part 1: one raw SM2 signature (Bouncy Castle, fast curve, raw r‖s). */
  @Benchmark
  public byte[] rawSm2Sign() throws CryptoException {
    rawSigner.init(true, rawSignParams);
    rawSigner.update(signedBytes, 0, signedBytes.length);
    return rawSigner.generateSignature();
  }

  /**
   * Baseline variant: the same raw signer initialised once and reused (BC resets it after each
   * signature), the cheapest way to use Bouncy Castle's SM2.
   */
  @Benchmark
  public byte[] rawSm2SignReused() throws CryptoException {
    reusedSigner.update(signedBytes, 0, signedBytes.length);
    return reusedSigner.generateSignature();
  }

  /** Baseline with the reused signer: both parts, back to back. */
  @Benchmark
  public BitMatrix baselineSumReused() throws CryptoException, WriterException {
    reusedSigner.update(signedBytes, 0, signedBytes.length);
    byte[] signature = reusedSigner.generateSignature();
    BitMatrix matrix = new QRCodeWriter().encode(url, BarcodeFormat.QR_CODE, 0, 0, zxingHints);
    return signature.length == 64 ? matrix : null;
  }

  /** For reference: the SDK's own SM2 signature through TerminalKeyPair. */
  @Benchmark
  public byte[] keyPairSm2Sign() {
    return key.sign(signedBytes);
  }

  /** Baseline part 2: one raw ZXing encode of the same URL at level M. */
  @Benchmark
  public BitMatrix rawZxingEncode() throws WriterException {
    return new QRCodeWriter().encode(url, BarcodeFormat.QR_CODE, 0, 0, zxingHints);
  }

  /** Baseline: both parts, back to back, as one measurement. */
  @Benchmark
  public BitMatrix baselineSum() throws CryptoException, WriterException {
    rawSigner.init(true, rawSignParams);
    rawSigner.update(signedBytes, 0, signedBytes.length);
    byte[] signature = rawSigner.generateSignature();
    BitMatrix matrix = new QRCodeWriter().encode(url, BarcodeFormat.QR_CODE, 0, 0, zxingHints);
    return signature.length == 64 ? matrix : null;
  }

  /** Fangxin, token only: claim + token signature + link + QR matrix. */
  @Benchmark
  public BitMatrix tokenPath() {
    DisputeToken token = DisputeToken.sign(claim(++sequence % 1_000_000 + 1), key);
    String link = DisputeLink.of(BASE, token).toString();
    return QrCode.encode(link, ErrorCorrection.M).toBitMatrix(0);
  }

  /** Part of the receipt path: one 400-byte journal append on tmpfs, forced. */
  @Benchmark
  public long journalAppend() {
    return rawJournal.append(record400);
  }

  /** Part of the receipt path: ReceiptSigner.sign alone (two signatures, chain, journal). */
  @Benchmark
  public SignedReceipt receiptSignOnly() {
    return receiptSigner.sign(transaction);
  }

  /**
   * Fangxin, the whole receipt: ReceiptSigner.sign (token and receipt signatures, hash chain,
   * journal append; the journal is on tmpfs so the disk's fsync is not measured) + link + QR.
   */
  @Benchmark
  public BitMatrix receiptPath() {
    SignedReceipt receipt = receiptSigner.sign(transaction);
    String link = receipt.link(BASE).toString();
    return QrCode.encode(link, ErrorCorrection.M).toBitMatrix(0);
  }
}
