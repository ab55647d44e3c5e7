package dev.fangxin.core.qr;

import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * QR error-correction level (ISO/IEC 18004, section 5.3.8): the share of codewords that may be
 * damaged while the code still reads. Higher levels make the symbol bigger for the same text.
 * Fangxin receipts use {@link #M}.
 */
public enum ErrorCorrection {
  /** About 7 % of codewords recoverable. */
  L(ErrorCorrectionLevel.L),
  /** About 15 % of codewords recoverable; the level of receipt dispute links. */
  M(ErrorCorrectionLevel.M),
  /** About 25 % of codewords recoverable. */
  Q(ErrorCorrectionLevel.Q),
  /** About 30 % of codewords recoverable. */
  H(ErrorCorrectionLevel.H);

  private final ErrorCorrectionLevel zxing;

  ErrorCorrection(ErrorCorrectionLevel zxing) {
    this.zxing = zxing;
  }

  ErrorCorrectionLevel zxing() {
    return zxing;
  }
}
