package dev.fangxin.core.journal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a journal file without changing it and reports every valid record and every problem, for
 * verifiers and audits. Unlike {@link JournalFile#open}, it does not stop at damage in the middle:
 * it skips forward byte by byte to the next offset holding a plausible length (1 to {@value
 * JournalFile#MAX_RECORD_SIZE}) and a matching CRC-32C, reports the skipped bytes as one {@link
 * Damage}, and carries on, so every record after the damage is still returned and every problem is
 * reported, not only the first.
 *
 * <p>Which damage kind is reported: a header that is short or has the wrong magic, version or
 * reserved bytes is {@link Damage.Kind#BAD_HEADER} at offset 0 (records are still read from offset
 * 16); bytes at the end of the file followed by no valid record are {@link Damage.Kind#TORN_TAIL};
 * a length of 0, above the maximum, or running past the end of the file, followed later by a valid
 * record, is {@link Damage.Kind#BAD_LENGTH}; a CRC-32C mismatch followed later by a valid record is
 * {@link Damage.Kind#BAD_CHECKSUM}. A file of 0 to 15 bytes is reported as {@code BAD_HEADER}, even
 * though {@link JournalFile#open} would complete such a header as an interrupted creation.
 *
 * <p>The file is streamed through a window of about 128 KiB; memory beyond that is what the result
 * holds. Resynchronising costs at most one CRC-32C per skipped byte offset whose four bytes read as
 * a plausible length. Stateless and thread-safe.
 */
public final class JournalScanner {
  private JournalScanner() {}

  /**
   * Scans {@code file} from start to end.
   *
   * @throws JournalException {@code NOT_FOUND} if the file does not exist; {@code LOCKED} if a
   *     {@link JournalFile} in this JVM holds it open (on Linux, closing the scanner's own
   *     descriptor would release that journal's lock; use {@link JournalFile#entries()} instead);
   *     {@code IO} on an I/O error. Damage in the file is never thrown; it is reported in the
   *     result.
   */
  public static ScanResult scan(Path file) {
    requireNonNull(file, "file == null");
    Path absolute = file.toAbsolutePath().normalize();
    Path real;
    try {
      real = absolute.toRealPath();
    } catch (NoSuchFileException e) {
      throw notFound(absolute);
    } catch (IOException e) {
      throw io(absolute, e);
    }
    if (JournalFile.isOpenInThisJvm(real)) {
      throw new JournalException(
          JournalException.Reason.LOCKED,
          "Journal "
              + absolute
              + " is open for appending in this JVM; read it with JournalFile.entries(), because"
              + " closing a second descriptor of it would release its lock on Linux.");
    }
    try (FileChannel channel = FileChannel.open(absolute, StandardOpenOption.READ)) {
      long size = channel.size();
      List<JournalEntry> entries = new ArrayList<>();
      List<Damage> damages = new ArrayList<>();
      RecordWalker walker = new RecordWalker(channel, size);
      byte[] header = walker.read(0, JournalFile.HEADER_SIZE);
      if (header.length < JournalFile.HEADER_SIZE) {
        damages.add(Damage.of(Damage.Kind.BAD_HEADER, 0, header.length));
        return ScanResult.of(size, entries, damages);
      }
      if (RecordFormat.headerProblem(header).isPresent()) {
        damages.add(Damage.of(Damage.Kind.BAD_HEADER, 0, JournalFile.HEADER_SIZE));
      }
      walker.walk(
          JournalFile.HEADER_SIZE,
          new RecordWalker.Visitor() {
            @Override
            public void record(long offset, byte[] payload) {
              entries.add(JournalEntry.of(offset, entries.size(), payload));
            }

            @Override
            public boolean damage(Damage.Kind kind, long offset, long length) {
              damages.add(Damage.of(kind, offset, length));
              return true;
            }
          });
      return ScanResult.of(size, entries, damages);
    } catch (NoSuchFileException e) {
      throw notFound(absolute);
    } catch (IOException e) {
      throw io(absolute, e);
    }
  }

  private static JournalException notFound(Path file) {
    return new JournalException(
        JournalException.Reason.NOT_FOUND, "Journal " + file + " does not exist.");
  }

  private static JournalException io(Path file, IOException e) {
    return new JournalException(
        JournalException.Reason.IO,
        "Could not read journal "
            + file
            + ": "
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage(),
        e);
  }
}
