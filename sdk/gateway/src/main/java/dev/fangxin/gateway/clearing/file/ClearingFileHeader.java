package dev.fangxin.gateway.clearing.file;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InstitutionCode;
import java.time.LocalDate;

/**
 * The header record of a clearing file: who sent it, for which day, as which batch. Immutable and
 * thread-safe.
 */
public final class ClearingFileHeader {
  private final InstitutionCode acquirer;
  private final LocalDate fileDate;
  private final String batchId;

  private ClearingFileHeader(InstitutionCode acquirer, LocalDate fileDate, String batchId) {
    this.acquirer = acquirer;
    this.fileDate = fileDate;
    this.batchId = batchId;
  }

  /**
   * Returns a header.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code batchId} is not 1 to 32 characters from {@code A-Z
   *     a-z 0-9 . _ -}, or {@code fileDate} is outside the years 2000 to 2099
   */
  public static ClearingFileHeader of(
      InstitutionCode acquirer, LocalDate fileDate, String batchId) {
    requireNonNull(acquirer, "acquirer == null");
    requireNonNull(fileDate, "fileDate == null");
    String problem = batchIdProblem(requireNonNull(batchId, "batchId == null"));
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (fileDate.getYear() < 2000 || fileDate.getYear() > 2099) {
      throw new IllegalArgumentException("file date must be in 2000 to 2099, got " + fileDate);
    }
    return new ClearingFileHeader(acquirer, fileDate, batchId);
  }

  /** Why {@code batchId} is not acceptable, or null if it is. */
  static String batchIdProblem(String batchId) {
    if (batchId.isEmpty() || batchId.length() > 32) {
      return "batch ID must be 1 to 32 characters, got " + batchId.length();
    }
    for (int i = 0; i < batchId.length(); i++) {
      char c = batchId.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return "batch ID may contain only A-Z, a-z, 0-9, '.', '_' and '-', got '"
            + c
            + "' at position "
            + (i + 1);
      }
    }
    return null;
  }

  /** The acquirer that sent the file. */
  public InstitutionCode acquirer() {
    return acquirer;
  }

  /** The business date of the file. */
  public LocalDate fileDate() {
    return fileDate;
  }

  /** The batch ID, unique per acquirer. */
  public String batchId() {
    return batchId;
  }

  @Override
  public String toString() {
    return "ClearingFileHeader{acquirer="
        + acquirer
        + ", fileDate="
        + fileDate
        + ", batchId="
        + batchId
        + "}";
  }
}
