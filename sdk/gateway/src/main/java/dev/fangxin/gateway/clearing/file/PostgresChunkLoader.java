package dev.fangxin.gateway.clearing.file;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Loads chunks on PostgreSQL with {@code COPY clearing_records FROM STDIN}, streamed while the
 * chunk is read (text format; every value is validated ASCII without tabs, backslashes or line
 * feeds, so nothing needs escaping). The rendered chunk is also kept, bounded by the chunk size: if
 * the COPY hits a trace that is already stored, the transaction rolls back to a savepoint and the
 * chunk is copied into a temporary staging table instead, checked against the stored records and
 * inserted with {@code ON CONFLICT DO NOTHING}.
 */
final class PostgresChunkLoader implements ChunkLoader {
  private static final int FLUSH = 1 << 16;
  private static final String COPY =
      "COPY clearing_records (" + ClearingRows.ALL_COLUMNS + ") FROM STDIN";

  private final byte[] suffix;
  private byte[] buf = new byte[1 << 20];
  private int len;
  private int sent;
  private int rows;
  private Connection tx;
  private Savepoint savepoint;
  private CopyIn copy;
  private SQLException copyFailure;

  PostgresChunkLoader(String batchId, long ingestedAt) {
    this.suffix =
        ("\t" + batchId + "\t" + ingestedAt + "\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Override
  public void begin(Connection tx) throws SQLException {
    this.tx = tx;
    len = 0;
    sent = 0;
    rows = 0;
    copy = null;
    copyFailure = null;
    savepoint = null;
  }

  private void startCopy() throws SQLException {
    savepoint = tx.setSavepoint();
    CopyManager manager = tx.unwrap(PGConnection.class).getCopyAPI();
    copy = manager.copyIn(COPY);
  }

  @Override
  public void add(ClearingRecord record) throws SQLException {
    if (copy == null && copyFailure == null) {
      startCopy();
    }
    Object[] row = ClearingRows.content(record);
    for (int c = 0; c < row.length; c++) {
      if (c > 0) {
        put((byte) '\t');
      }
      Object v = row[c];
      if (v == null) {
        put((byte) '\\');
        put((byte) 'N');
      } else if (v instanceof String) {
        String s = (String) v;
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
          buf[len++] = (byte) s.charAt(i);
        }
      } else {
        long n = ((Number) v).longValue();
        putNumber(n);
      }
    }
    ensure(suffix.length);
    System.arraycopy(suffix, 0, buf, len, suffix.length);
    len += suffix.length;
    rows++;
    if (len - sent >= FLUSH && copyFailure == null) {
      try {
        copy.writeToCopy(buf, sent, len - sent);
        sent = len;
      } catch (SQLException e) {
        copyFailure = e;
        cancel();
      }
    }
  }

  @Override
  public void abort() {
    cancel();
  }

  private void cancel() {
    try {
      if (copy != null && copy.isActive()) {
        copy.cancelCopy();
      }
    } catch (SQLException e) {
      // the failure already recorded explains the chunk
    }
  }

  @Override
  public long finish(long firstLine) throws SQLException {
    if (copyFailure == null) {
      try {
        if (len > sent) {
          copy.writeToCopy(buf, sent, len - sent);
          sent = len;
        }
        long n = copy.endCopy();
        tx.releaseSavepoint(savepoint);
        return n;
      } catch (SQLException e) {
        copyFailure = e;
        cancel();
      }
    }
    if (!JdbcChunkLoader.isUniqueViolation(copyFailure)) {
      throw copyFailure;
    }
    tx.rollback(savepoint);
    return staged(firstLine);
  }

  private long staged(long firstLine) throws SQLException {
    try (Statement s = tx.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE clearing_stage (ord BIGINT GENERATED ALWAYS AS IDENTITY,"
              + " LIKE clearing_records) ON COMMIT DROP");
    }
    CopyManager manager = tx.unwrap(PGConnection.class).getCopyAPI();
    try {
      manager.copyIn(
          "COPY clearing_stage (" + ClearingRows.ALL_COLUMNS + ") FROM STDIN",
          new ByteArrayInputStream(buf, 0, len));
    } catch (IOException e) {
      throw new SQLException("could not stage the chunk: " + e.getMessage(), e);
    }
    String stored =
        ClearingRows.CONTENT.stream().skip(1).map(c -> "r." + c).collect(Collectors.joining(", "));
    String staged =
        ClearingRows.CONTENT.stream().skip(1).map(c -> "s." + c).collect(Collectors.joining(", "));
    String earlier =
        ClearingRows.CONTENT.stream().skip(1).map(c -> "a." + c).collect(Collectors.joining(", "));
    String first =
        "SELECT s.ord, s.durable_trace FROM clearing_stage s JOIN clearing_records r"
            + " ON r.durable_trace = s.durable_trace WHERE ("
            + stored
            + ") IS DISTINCT FROM ("
            + staged
            + ")"
            + " UNION ALL SELECT s.ord, s.durable_trace FROM clearing_stage a JOIN clearing_stage s"
            + " ON a.durable_trace = s.durable_trace AND a.ord < s.ord WHERE ("
            + earlier
            + ") IS DISTINCT FROM ("
            + staged
            + ") ORDER BY 1 LIMIT 1";
    try (PreparedStatement q = tx.prepareStatement(first);
        ResultSet rs = q.executeQuery()) {
      if (rs.next()) {
        long line = firstLine + rs.getLong(1) - 1;
        throw JdbcChunkLoader.conflict(line, rs.getString(2), differingColumn(rs.getString(2)));
      }
    }
    try (Statement s = tx.createStatement()) {
      return s.executeUpdate(
          "INSERT INTO clearing_records ("
              + ClearingRows.ALL_COLUMNS
              + ") SELECT "
              + ClearingRows.ALL_COLUMNS
              + " FROM clearing_stage ORDER BY ord ON CONFLICT (durable_trace) DO NOTHING");
    }
  }

  /** Names the first content column in which the staged and stored rows of {@code trace} differ. */
  private String differingColumn(String trace) throws SQLException {
    String cols = String.join(", ", ClearingRows.CONTENT);
    try (PreparedStatement q =
        tx.prepareStatement(
            "(SELECT "
                + cols
                + " FROM clearing_records WHERE durable_trace = ?) UNION ALL (SELECT "
                + cols
                + " FROM clearing_stage WHERE durable_trace = ? ORDER BY ord)")) {
      q.setString(1, trace);
      q.setString(2, trace);
      try (ResultSet rs = q.executeQuery()) {
        Object[] firstRow = null;
        while (rs.next()) {
          Object[] row = new Object[ClearingRows.CONTENT.size()];
          for (int c = 0; c < row.length; c++) {
            row[c] = rs.getObject(c + 1);
          }
          if (firstRow == null) {
            firstRow = row;
          } else if (!Arrays.equals(firstRow, row)) {
            for (int c = 1; c < row.length; c++) {
              if (!java.util.Objects.equals(firstRow[c], row[c])) {
                return ClearingRows.CONTENT.get(c);
              }
            }
          }
        }
      }
    }
    return "durable_trace";
  }

  private void put(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  private void putNumber(long n) {
    ensure(20);
    if (n == 0) {
      buf[len++] = '0';
      return;
    }
    int start = len;
    long v = n;
    if (v < 0) {
      buf[len++] = '-';
      start++;
      v = -v;
    }
    while (v > 0) {
      buf[len++] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    for (int i = start, j = len - 1; i < j; i++, j--) {
      byte t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
