package dev.fangxin.core.key;

import static java.util.Objects.requireNonNull;

import java.util.Base64;

/**
 * Minimal RFC 7468 PEM text encoding for DER structures ({@code PUBLIC KEY}, {@code PRIVATE KEY},
 * {@code CERTIFICATE REQUEST}, ...).
 *
 * <p>Encoding writes {@code -----BEGIN <label>-----}, the standard base64 of the DER in lines of 64
 * characters, and {@code -----END <label>-----}, each line ended by {@code \n}. Decoding accepts
 * explanatory text before the block and after it, {@code \r\n} or {@code \n} line ends and any
 * whitespace inside the base64; it refuses headers (legacy encrypted PEM), a different label, more
 * than one block and anything over {@link #MAX_LENGTH} characters. Stateless and thread-safe.
 */
public final class Pem {
  /** The longest PEM text {@link #decode} accepts, in characters. */
  public static final int MAX_LENGTH = 64 * 1024;

  private static final String DASHES = "-----";

  private Pem() {}

  /** The PEM text of {@code der} under {@code label}, e.g. {@code "PUBLIC KEY"}. */
  public static String encode(String label, byte[] der) {
    checkLabel(label);
    requireNonNull(der, "der == null");
    String b64 = Base64.getEncoder().encodeToString(der);
    StringBuilder sb =
        new StringBuilder(b64.length() + b64.length() / 64 + 2 * label.length() + 40);
    sb.append(DASHES).append("BEGIN ").append(label).append(DASHES).append('\n');
    for (int i = 0; i < b64.length(); i += 64) {
      sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    sb.append(DASHES).append("END ").append(label).append(DASHES).append('\n');
    return sb.toString();
  }

  /**
   * The DER bytes inside the single PEM block labelled {@code label} in {@code pem}.
   *
   * @throws KeyException with {@link KeyException.Reason#MALFORMED_PEM} saying what was wrong
   */
  public static byte[] decode(String label, String pem) {
    checkLabel(label);
    requireNonNull(pem, "pem == null");
    if (pem.length() > MAX_LENGTH) {
      throw malformed(
          "PEM text is " + pem.length() + " characters; at most " + MAX_LENGTH + " are accepted.");
    }
    int begin = pem.indexOf(DASHES + "BEGIN ");
    if (begin < 0) {
      throw malformed("No \"-----BEGIN " + label + "-----\" line found in the PEM text.");
    }
    int labelStart = begin + DASHES.length() + "BEGIN ".length();
    int labelEnd = pem.indexOf(DASHES, labelStart);
    int lineEnd = labelEnd < 0 ? -1 : labelEnd + DASHES.length();
    if (labelEnd < 0) {
      throw malformed("The PEM BEGIN line is not closed by \"-----\".");
    }
    String found = pem.substring(labelStart, labelEnd);
    if (!found.equals(label)) {
      throw malformed(
          "Expected a PEM block \"-----BEGIN "
              + label
              + "-----\" but found \"-----BEGIN "
              + abbreviate(found)
              + "-----\".");
    }
    String endLine = DASHES + "END " + label + DASHES;
    int end = pem.indexOf(endLine, lineEnd);
    if (end < 0) {
      throw malformed("No \"" + endLine + "\" line found after the BEGIN line.");
    }
    if (pem.indexOf(DASHES + "BEGIN ", end) >= 0) {
      throw malformed("The PEM text holds more than one block; exactly one was expected.");
    }
    String body = pem.substring(lineEnd, end);
    if (body.indexOf(':') >= 0) {
      throw malformed(
          "The PEM block has headers (such as legacy \"Proc-Type: 4,ENCRYPTED\");"
              + " only unencrypted RFC 7468 PEM is accepted.");
    }
    StringBuilder b64 = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        b64.append(c);
      }
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(b64.toString());
    } catch (IllegalArgumentException e) {
      throw malformed("The PEM block is not valid base64: " + e.getMessage() + ".");
    }
    if (der.length == 0) {
      throw malformed("The PEM block \"" + label + "\" is empty.");
    }
    return der;
  }

  private static void checkLabel(String label) {
    requireNonNull(label, "label == null");
    if (label.isEmpty() || label.contains("-") || label.contains("\n")) {
      throw new IllegalArgumentException("Not a PEM label: \"" + label + "\"");
    }
  }

  private static KeyException malformed(String message) {
    return new KeyException(KeyException.Reason.MALFORMED_PEM, message);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
