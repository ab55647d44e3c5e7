package dev.fangxin.core.journal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An append-only file of opaque records that survives a power cut at any moment: a record is either
 * in the file completely, or its partial trace is cut off by the next {@link #open}.
 *
 * <h2>File format, version 1</h2>
 *
 * <p>All integers are unsigned and big-endian. The file is a 16-byte header followed by records
 * back to back, with no padding, index or trailer:
 *
 * <pre>
 * offset  size  field
 * 0       6     magic, ASCII "FXJRNL" (46 58 4A 52 4E 4C)
 * 6       2     format version, 1 (00 01)
 * 8       8     reserved, all zero; a reader rejects other values
 * 16      ...   records
 *
 * record:
 * +0      4     payload length L, 1 &lt;= L &lt;= 65,536 ({@link #MAX_RECORD_SIZE})
 * +4      4     CRC-32C of the 4 length bytes followed by the L payload bytes
 * +8      L     payload
 * </pre>
 *
 * <p>CRC-32C is the Castagnoli CRC of {@link java.util.zip.CRC32C} (RFC 3720: reflected polynomial
 * 0x82F63B78, initial value and final XOR 0xFFFFFFFF; {@code "123456789"} gives {@code
 * 0xE3069283}). Example: the payload {@code "a"} (0x61) is stored as {@code 00 00 00 01 C5 7D FE 23
 * 61}. A record's offset is the offset of its length field; the first record is at offset 16. A
 * length of 0 or above 65,536 is damage, as is a CRC that does not match. Payloads are opaque to
 * this layer (the receipt journal stores serialized {@code fangxin.v1.JournalRecord} messages).
 *
 * <h2>Recovery on open</h2>
 *
 * <p>{@link #open} reads every record. Damage with no valid record after it (an incomplete length
 * or payload, a bad length or a bad CRC-32C at the end) is the trace of an append that did not
 * finish: open cuts the file back to the end of the last valid record, forces it, and reports that
 * in {@link #recovery()}. Damage followed by a valid record cannot come from an interrupted append;
 * open refuses such a file with {@link JournalException.Reason#CORRUPT}, naming the offset, because
 * appending after unexplained damage would bury it. {@link JournalScanner} still reads such a file.
 * A valid record after damage is found by trying every following byte offset for a plausible length
 * and a matching CRC-32C, so a payload that itself contains a complete framed record could make a
 * torn tail look like corruption; payloads that are serialized protobuf messages do not.
 *
 * <h2>Durability: what is forced when</h2>
 *
 * <ul>
 *   <li>Creating a journal writes the header, forces the file with {@code force(true)} and forces
 *       the directory, so that the new directory entry survives a power cut. An existing file of 0
 *       to 15 bytes that is a prefix of the header (a creation that was cut short) is completed the
 *       same way.
 *   <li>{@link #append} returns the record's offset only after the record was written and {@code
 *       FileChannel.force(false)} returned for it (on Linux {@code fdatasync(2)}, which also makes
 *       the grown file size durable). With {@link SyncMode#EVERY_APPEND} every append forces; with
 *       {@link SyncMode#GROUP_COMMIT} concurrent appenders share one force. The contract is the
 *       same in both modes.
 *   <li>Truncating a torn tail on open is followed by {@code force(true)}.
 * </ul>
 *
 * <p>Durability is only as good as the storage stack below the file system: a disk or SD card that
 * acknowledges a flush it has not done will lose acknowledged records on a power cut, whatever this
 * class does. If a force fails (on Linux, an {@code fsync} error may drop the dirty pages it could
 * not write), the journal stops accepting appends; see below.
 *
 * <h2>Failures</h2>
 *
 * <p>If a write or a force throws, {@link #append} throws {@link JournalException.Reason#IO}: the
 * record may or may not be in the file after the next open, but it was never reported durable. From
 * then on this instance refuses every append with {@code IO}; close it and open the file again,
 * which cuts any partial record as a torn tail. Callers that need to know whether the failed record
 * landed compare the reopened journal's last entry with what they tried to write.
 *
 * <h2>Locking and Linux semantics</h2>
 *
 * <p>Open takes an exclusive {@link FileLock} over the whole file, so a second {@code JournalFile}
 * on the same file fails with {@link JournalException.Reason#LOCKED}, in this JVM (tracked by the
 * file's real path) or in another process (an advisory {@code fcntl} lock on Linux and Android,
 * released by the kernel when the holder dies, including after {@code SIGKILL}). On Linux, closing
 * <em>any</em> descriptor of the file releases all of this process's locks on it; therefore this
 * class reads through its own channel only, and {@link JournalScanner} refuses a file that a {@code
 * JournalFile} of this JVM holds open. Code that opens the journal file by other means in the same
 * process silently drops the lock when it closes it.
 *
 * <p>Interrupting a thread while it is inside {@link #append} or {@link #entries} closes the
 * underlying channel ({@link java.nio.channels.InterruptibleChannel} semantics); the journal then
 * fails with {@code IO} or {@code CLOSED} and must be reopened. An interrupt that is pending when
 * those methods start is held back until they return.
 *
 * <h2>Threading</h2>
 *
 * <p>Instances are thread-safe. Any number of threads may call {@link #append} at once; each record
 * is written whole and contiguously, records appear in the file in the order their appends took the
 * internal lock, and every append gets a distinct offset. {@link #entries} may run while other
 * threads append; it sees every record whose append had become durable when it started. {@link
 * #close} waits for appends in progress to finish.
 *
 * <h2>Limits</h2>
 *
 * <p>Payloads are 1 to {@value #MAX_RECORD_SIZE} bytes. The file has no size limit other than the
 * file system's. Opening reads the whole file once; {@link #entries} reads it again and holds all
 * payloads in memory.
 */
public final class JournalFile implements Closeable {
  /** The largest payload, in bytes: 65,536. */
  public static final int MAX_RECORD_SIZE = RecordFormat.MAX_RECORD_SIZE;

  /** The size of the file header, in bytes: 16. */
  public static final int HEADER_SIZE = RecordFormat.HEADER_SIZE;

  /** The bytes each record adds to its payload (length and CRC-32C): 8. */
  public static final int RECORD_OVERHEAD = RecordFormat.RECORD_HEADER_SIZE;

  /** Real paths of the journals open in this JVM; see the class comment on Linux locks. */
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final Path key;
  private final SyncMode syncMode;
  private final long windowNanos;
  private final FileChannel channel;
  private final Recovery recovery;

  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition changed = mutex.newCondition();

  // Guarded by mutex.
  private long writeEnd;
  private boolean closed;
  private boolean forcing;
  private int appendsInFlight;
  private long forceCount;
  private IOException failure;

  /** Written under mutex, read without it. */
  private volatile long durableEnd;

  private JournalFile(
      Path path,
      Path key,
      JournalOptions options,
      FileChannel channel,
      long end,
      Recovery recovery) {
    this.path = path;
    this.key = key;
    this.syncMode = options.syncMode();
    this.windowNanos = options.groupCommitWindow().toNanos();
    this.channel = channel;
    this.recovery = recovery;
    this.writeEnd = end;
    this.durableEnd = end;
  }

  /**
   * Opens the journal at {@code file} for appending, creating it if it does not exist, and recovers
   * a torn tail (see the class comment). Blocks for the I/O only; never waits for a lock.
   *
   * @throws JournalException {@code NOT_FOUND} if the directory does not exist; {@code LOCKED} if
   *     another {@code JournalFile} holds the file; {@code BAD_HEADER} if the file is not a version
   *     1 journal; {@code CORRUPT} if it has damage followed by valid records; {@code IO} on an I/O
   *     error
   */
  public static JournalFile open(Path file, JournalOptions options) {
    requireNonNull(file, "file == null");
    requireNonNull(options, "options == null");
    Path absolute = file.toAbsolutePath().normalize();
    Path key = realPath(absolute);
    if (!OPEN.add(key)) {
      throw new JournalException(
          JournalException.Reason.LOCKED,
          "Journal "
              + absolute
              + " is already open in this JVM; close it before opening it again.");
    }
    FileChannel channel = null;
    boolean opened = false;
    try {
      channel = FileChannel.open(absolute, READ, WRITE, CREATE);
      lock(channel, absolute);
      long end = prepareHeader(channel, absolute);
      Recovery recovery = recover(channel, absolute, end);
      JournalFile journal =
          new JournalFile(absolute, key, options, channel, recovery.offset(), recovery);
      opened = true;
      return journal;
    } catch (IOException e) {
      throw ioFailure("open journal " + absolute, e);
    } finally {
      if (!opened) {
        closeAfterFailedOpen(channel);
        OPEN.remove(key);
      }
    }
  }

  private static void closeAfterFailedOpen(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // The failure that made open give up is the one the caller needs to see.
    }
  }

  /**
   * The key under which an open journal is registered: the real path of the file, or of its
   * directory joined with its name while the file does not exist yet.
   */
  static Path realPath(Path absolute) {
    try {
      return absolute.toRealPath();
    } catch (NoSuchFileException e) {
      Path parent = absolute.getParent();
      try {
        return (parent == null ? absolute : parent.toRealPath().resolve(absolute.getFileName()));
      } catch (NoSuchFileException missingDirectory) {
        throw new JournalException(
            JournalException.Reason.NOT_FOUND,
            "Directory " + parent + " does not exist; create it before opening a journal in it.");
      } catch (IOException other) {
        throw ioFailure("resolve the directory of journal " + absolute, other);
      }
    } catch (IOException e) {
      throw ioFailure("resolve journal path " + absolute, e);
    }
  }

  static boolean isOpenInThisJvm(Path realPath) {
    return OPEN.contains(realPath);
  }

  private static void lock(FileChannel channel, Path file) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      throw new JournalException(
          JournalException.Reason.LOCKED,
          "Journal " + file + " is locked by other code in this JVM; it may have only one writer.");
    }
    if (lock == null) {
      throw new JournalException(
          JournalException.Reason.LOCKED,
          "Journal " + file + " is locked by another process; it may have only one writer.");
    }
    // The lock lives as long as the channel: closing the channel releases it.
  }

  /** Validates the header, or writes it durably for a new file; returns the file size. */
  private static long prepareHeader(FileChannel channel, Path file) throws IOException {
    long size = channel.size();
    RecordWalker reader = new RecordWalker(channel, size);
    byte[] header = reader.read(0, HEADER_SIZE);
    if (size < HEADER_SIZE) {
      if (!RecordFormat.isHeaderPrefix(header, header.length)) {
        throw new JournalException(
            JournalException.Reason.BAD_HEADER,
            "File "
                + file
                + " is "
                + size
                + " bytes long and not a journal: a journal starts with a 16-byte header"
                + " \"FXJRNL\" 00 01 and 8 zero bytes.",
            0);
      }
      ByteBuffer fresh = ByteBuffer.wrap(RecordFormat.header());
      while (fresh.hasRemaining()) {
        channel.write(fresh, fresh.position());
      }
      channel.force(true);
      forceDirectory(file);
      return HEADER_SIZE;
    }
    Optional<String> problem = RecordFormat.headerProblem(header);
    if (problem.isPresent()) {
      throw new JournalException(
          JournalException.Reason.BAD_HEADER,
          "File " + file + " is not a version 1 journal: its header " + problem.get() + ".",
          0);
    }
    return size;
  }

  /** Forces a directory so that a new entry in it survives a power cut; skipped on Windows. */
  private static void forceDirectory(Path file) throws IOException {
    Path directory = file.getParent();
    if (directory == null
        || System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
      return; // Windows cannot open a directory as a channel; NTFS journals its metadata.
    }
    try (FileChannel channel = FileChannel.open(directory, READ)) {
      channel.force(true);
    }
  }

  /** Scans all records; cuts a torn tail, refuses damage in the middle. */
  private static Recovery recover(FileChannel channel, Path file, long size) throws IOException {
    long[] goodEnd = {HEADER_SIZE};
    Damage[] damage = {null};
    new RecordWalker(channel, size)
        .walk(
            HEADER_SIZE,
            new RecordWalker.Visitor() {
              @Override
              public void record(long offset, byte[] payload) {
                goodEnd[0] = offset + RECORD_OVERHEAD + payload.length;
              }

              @Override
              public boolean damage(Damage.Kind kind, long offset, long length) {
                damage[0] = Damage.of(kind, offset, length);
                return false;
              }
            });
    if (damage[0] == null) {
      return Recovery.none(goodEnd[0]);
    }
    if (damage[0].kind() != Damage.Kind.TORN_TAIL) {
      throw new JournalException(
          JournalException.Reason.CORRUPT,
          "Journal "
              + file
              + " is damaged at offset "
              + damage[0].offset()
              + " ("
              + describe(damage[0].kind())
              + ", "
              + damage[0].bytesSkipped()
              + " bytes up to the next valid record); it has valid records after the damage, so"
              + " it is not a torn append and will not be appended to. Read it with"
              + " JournalScanner.",
          damage[0].offset());
    }
    channel.truncate(damage[0].offset());
    channel.force(true);
    return Recovery.truncated(damage[0].offset(), damage[0].bytesSkipped());
  }

  private static String describe(Damage.Kind kind) {
    return kind == Damage.Kind.BAD_CHECKSUM
        ? "CRC-32C mismatch"
        : "length field 0, above " + MAX_RECORD_SIZE + " or past the end of the file";
  }

  /**
   * Appends one record and returns its offset once the record is durable (see the class comment for
   * what that means in each {@link SyncMode}). Thread-safe; concurrent calls get distinct offsets.
   * Blocks for the write and the force, and with {@link SyncMode#GROUP_COMMIT} for up to the group
   * commit window on top.
   *
   * @param payload 1 to {@link #MAX_RECORD_SIZE} bytes; copied, not retained
   * @return the offset of the record's length field, as {@link JournalEntry#offset()} reports it
   * @throws JournalException {@code EMPTY_RECORD} or {@code RECORD_TOO_LARGE} for a bad payload
   *     size; {@code CLOSED} after {@link #close}; {@code IO} if a write or force failed, now or in
   *     an earlier append (the outcome of this record is then unknown, never successful)
   */
  public long append(byte[] payload) {
    requireNonNull(payload, "payload == null");
    if (payload.length == 0) {
      throw new JournalException(
          JournalException.Reason.EMPTY_RECORD,
          "Record payload is empty; a journal record holds 1 to " + MAX_RECORD_SIZE + " bytes.");
    }
    if (payload.length > MAX_RECORD_SIZE) {
      throw new JournalException(
          JournalException.Reason.RECORD_TOO_LARGE,
          "Record payload is "
              + payload.length
              + " bytes; a journal record holds at most "
              + MAX_RECORD_SIZE
              + " bytes.");
    }
    ByteBuffer record = RecordFormat.encode(payload);
    boolean interrupted = Thread.interrupted();
    mutex.lock();
    try {
      checkWritable();
      long offset = writeEnd;
      try {
        while (record.hasRemaining()) {
          channel.write(record, offset + record.position());
        }
      } catch (IOException e) {
        fail(e);
        throw ioFailure("write a record at offset " + offset + " of journal " + path, e);
      }
      long end = offset + record.limit();
      writeEnd = end;
      appendsInFlight++;
      try {
        if (syncMode == SyncMode.EVERY_APPEND) {
          forceHoldingLock(end);
        } else {
          interrupted |= awaitGroupCommit(end);
        }
      } finally {
        appendsInFlight--;
        changed.signalAll();
      }
      return offset;
    } finally {
      mutex.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void checkWritable() {
    if (closed) {
      throw new JournalException(
          JournalException.Reason.CLOSED, "Journal " + path + " is closed; open it again.");
    }
    if (failure != null) {
      throw new JournalException(
          JournalException.Reason.IO,
          "Journal "
              + path
              + " failed an earlier write or force and accepts no more appends; close it and open"
              + " it again to recover.",
          failure);
    }
  }

  private void fail(IOException e) {
    if (failure == null) {
      failure = e;
    }
    changed.signalAll();
  }

  private void forceHoldingLock(long end) {
    try {
      channel.force(false);
    } catch (IOException e) {
      fail(e);
      throw ioFailure("force journal " + path + " to storage", e);
    }
    forceCount++;
    durableEnd = end;
  }

  /**
   * Waits, leading a force when none is running, until {@code end} is durable. Called and returns
   * holding the mutex. Returns whether an interrupt arrived meanwhile (it is held back).
   */
  private boolean awaitGroupCommit(long end) {
    boolean interrupted = false;
    while (durableEnd < end) {
      if (failure != null) {
        throw ioFailure("force journal " + path + " to storage", failure);
      }
      if (forcing) {
        changed.awaitUninterruptibly();
        continue;
      }
      forcing = true;
      try {
        long deadline = System.nanoTime() + windowNanos;
        for (long remaining = windowNanos; remaining > 0 && !closed; ) {
          try {
            changed.awaitNanos(remaining);
          } catch (InterruptedException e) {
            interrupted = true;
          }
          remaining = deadline - System.nanoTime();
        }
        long target = writeEnd;
        IOException error = null;
        mutex.unlock();
        try {
          channel.force(false);
        } catch (IOException e) {
          error = e;
        } finally {
          mutex.lock();
        }
        if (error != null) {
          fail(error);
        } else {
          forceCount++;
          durableEnd = Math.max(durableEnd, target);
        }
      } finally {
        forcing = false;
        changed.signalAll();
      }
    }
    return interrupted;
  }

  /**
   * Every record, from the start of the file, that was durable when this call started. Reads
   * through the journal's own channel with positional reads, so it may run while other threads
   * append; it holds every payload in memory. Thread-safe.
   *
   * @throws JournalException {@code CLOSED} if the journal is or gets closed; {@code CORRUPT} if
   *     the file was damaged after it was opened; {@code IO} on an I/O error
   */
  public List<JournalEntry> entries() {
    long end;
    mutex.lock();
    try {
      if (closed) {
        throw new JournalException(
            JournalException.Reason.CLOSED, "Journal " + path + " is closed; open it again.");
      }
      end = durableEnd;
    } finally {
      mutex.unlock();
    }
    List<JournalEntry> entries = new ArrayList<>();
    boolean interrupted = Thread.interrupted();
    try {
      new RecordWalker(channel, end)
          .walk(
              HEADER_SIZE,
              new RecordWalker.Visitor() {
                @Override
                public void record(long offset, byte[] payload) {
                  entries.add(JournalEntry.of(offset, entries.size(), payload));
                }

                @Override
                public boolean damage(Damage.Kind kind, long offset, long length) {
                  throw new JournalException(
                      JournalException.Reason.CORRUPT,
                      "Journal "
                          + path
                          + " was damaged at offset "
                          + offset
                          + " ("
                          + (kind == Damage.Kind.TORN_TAIL
                              ? "record cut short or unreadable"
                              : describe(kind))
                          + ") after it was opened.",
                      offset);
                }
              });
    } catch (ClosedChannelException e) {
      throw new JournalException(
          JournalException.Reason.CLOSED, "Journal " + path + " was closed while being read.", e);
    } catch (IOException e) {
      throw ioFailure("read journal " + path, e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return Collections.unmodifiableList(entries);
  }

  /**
   * The size in bytes of the durable part of the file: the header plus every record whose append
   * has returned or is about to return. The next record is appended at this offset once all appends
   * in progress are done. Thread-safe, never blocks.
   */
  public long size() {
    return durableEnd;
  }

  /** The journal file, as an absolute path. */
  public Path path() {
    return path;
  }

  /** What {@link #open} did to the end of the file. */
  public Recovery recovery() {
    return recovery;
  }

  /** How many forces appends have issued; for tests of group commit. */
  long forceCount() {
    mutex.lock();
    try {
      return forceCount;
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Waits for appends in progress, then closes the file and releases its lock. Idempotent;
   * thread-safe. Later appends and reads throw {@code CLOSED}.
   *
   * @throws JournalException {@code IO} if closing the channel failed (the lock is released anyway)
   */
  @Override
  public void close() {
    mutex.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      changed.signalAll();
      while (appendsInFlight > 0) {
        changed.awaitUninterruptibly();
      }
      try {
        channel.close();
      } catch (IOException e) {
        throw ioFailure("close journal " + path, e);
      } finally {
        OPEN.remove(key);
      }
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public String toString() {
    return "JournalFile{" + path + ", " + syncMode + "}";
  }

  private static JournalException ioFailure(String action, IOException e) {
    return new JournalException(
        JournalException.Reason.IO,
        "Could not " + action + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
        e);
  }
}
