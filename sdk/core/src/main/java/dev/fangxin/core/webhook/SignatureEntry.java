package dev.fangxin.core.webhook;

import java.util.ArrayList;
import java.util.List;

/** One {@code version,value} entry of a {@code webhook-signature} header. */
final class SignatureEntry {
  private final String version;
  private final String value;

  private SignatureEntry(String version, String value) {
    this.version = version;
    this.value = value;
  }

  String version() {
    return version;
  }

  String value() {
    return value;
  }

  /**
   * Splits a header into entries. Entries are separated by one or more spaces; each is a version of
   * ASCII letters and digits, a comma, and a non-empty value of printable ASCII without spaces.
   * Values are not decoded here: unknown versions must be skipped, not judged.
   *
   * @throws WebhookException with {@code MALFORMED_SIGNATURE} if the header breaks these rules
   */
  static List<SignatureEntry> parseHeader(String header) {
    List<SignatureEntry> entries = new ArrayList<>();
    int i = 0;
    int n = header.length();
    while (i < n) {
      if (header.charAt(i) == ' ') {
        i++;
        continue;
      }
      int start = i;
      while (i < n && header.charAt(i) != ' ') {
        i++;
      }
      entries.add(parseEntry(header.substring(start, i), entries.size(), start));
    }
    if (entries.isEmpty()) {
      throw malformed("The webhook-signature header has no entries; expected \"v1,<base64>\".");
    }
    return entries;
  }

  private static SignatureEntry parseEntry(String token, int index, int offset) {
    for (int j = 0; j < token.length(); j++) {
      char c = token.charAt(j);
      if (c < 0x21 || c > 0x7e) {
        throw malformed(
            String.format(
                "The webhook-signature header has character U+%04X at index %d; expected"
                    + " printable ASCII entries separated by spaces.",
                (int) c, offset + j));
      }
    }
    int comma = token.indexOf(',');
    if (comma < 0) {
      throw malformed(
          "Entry "
              + index
              + " of the webhook-signature header has no comma; expected \"<version>,<base64>\".");
    }
    String version = token.substring(0, comma);
    boolean versionOk = !version.isEmpty() && version.length() <= 16;
    for (int j = 0; versionOk && j < version.length(); j++) {
      char c = version.charAt(j);
      versionOk = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    if (!versionOk) {
      throw malformed(
          "Entry "
              + index
              + " of the webhook-signature header has a version that is not 1 to 16 ASCII letters"
              + " and digits; expected e.g. \"v1\" or \"v1a\".");
    }
    String value = token.substring(comma + 1);
    if (value.isEmpty()) {
      throw malformed(
          "Entry "
              + index
              + " ("
              + version
              + ") of the webhook-signature header has an empty value; expected base64 after the"
              + " comma.");
    }
    return new SignatureEntry(version, value);
  }

  private static WebhookException malformed(String message) {
    return new WebhookException(WebhookException.Reason.MALFORMED_SIGNATURE, message);
  }
}
