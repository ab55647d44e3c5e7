package dev.fangxin.core.journal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds journals with known records for the tests in this package. */
final class JournalFixtures {
  private JournalFixtures() {}

  /** {@code count} payloads "record-<i>" padded with seeded random bytes to 1..maxExtra more. */
  static List<byte[]> payloads(int count, int maxExtra, long seed) {
    Random random = new Random(seed);
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] prefix = ("record-" + i + ":").getBytes(UTF_8);
      byte[] payload = new byte[prefix.length + random.nextInt(maxExtra + 1)];
      System.arraycopy(prefix, 0, payload, 0, prefix.length);
      for (int j = prefix.length; j < payload.length; j++) {
        payload[j] = (byte) random.nextInt(256);
      }
      payloads.add(payload);
    }
    return payloads;
  }

  /** Writes {@code payloads} to a new journal at {@code file}; returns their offsets. */
  static List<Long> write(Path file, List<byte[]> payloads) {
    List<Long> offsets = new ArrayList<>();
    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      for (byte[] payload : payloads) {
        offsets.add(journal.append(payload));
      }
    }
    return offsets;
  }

  static List<byte[]> payloadsOf(List<JournalEntry> entries) {
    List<byte[]> payloads = new ArrayList<>();
    for (JournalEntry entry : entries) {
      payloads.add(entry.payload());
    }
    return payloads;
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void overwrite(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
