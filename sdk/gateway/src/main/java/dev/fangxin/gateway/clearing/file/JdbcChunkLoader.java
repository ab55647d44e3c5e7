package dev.fangxin.gateway.clearing.file;

import dev.fangxin.gateway.clearing.file.ClearingFileException.Reason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Loads chunks with JDBC batch inserts (H2, or any database): one batch under a savepoint; if a
 * trace is already stored the chunk is redone record by record, skipping identical records and
 * refusing different ones.
 */
final class JdbcChunkLoader implements ChunkLoader {
  private static final String INSERT =
      "INSERT INTO clearing_records ("
          + ClearingRows.ALL_COLUMNS
          + ") VALUES ("
          + "?, ".repeat(ClearingRows.CONTENT.size() + 1)
          + "?)";
  private static final String SELECT =
      "SELECT "
          + String.join(", ", ClearingRows.CONTENT)
          + " FROM clearing_records WHERE durable_trace = ?";

  private final String batchId;
  private final long ingestedAt;
  private final List<Object[]> rows = new ArrayList<>();
  private Connection tx;

  JdbcChunkLoader(String batchId, long ingestedAt) {
    this.batchId = batchId;
    this.ingestedAt = ingestedAt;
  }

  @Override
  public void begin(Connection tx) {
    this.tx = tx;
    rows.clear();
  }

  @Override
  public void add(ClearingRecord record) {
    rows.add(ClearingRows.content(record));
  }

  @Override
  public long finish(long firstLine) throws SQLException {
    Savepoint savepoint = tx.setSavepoint();
    try (PreparedStatement s = tx.prepareStatement(INSERT)) {
      for (Object[] row : rows) {
        bind(s, row);
        s.addBatch();
      }
      s.executeBatch();
      tx.releaseSavepoint(savepoint);
      long n = rows.size();
      rows.clear();
      return n;
    } catch (SQLException e) {
      if (!isUniqueViolation(e)) {
        throw e;
      }
      tx.rollback(savepoint);
    }
    long inserted = 0;
    try (PreparedStatement select = tx.prepareStatement(SELECT);
        PreparedStatement insert = tx.prepareStatement(INSERT)) {
      for (int i = 0; i < rows.size(); i++) {
        Object[] row = rows.get(i);
        select.setString(1, (String) row[0]);
        try (ResultSet rs = select.executeQuery()) {
          if (rs.next()) {
            String differs = firstDifference(rs, row);
            if (differs != null) {
              throw conflict(firstLine + i, (String) row[0], differs);
            }
            continue;
          }
        }
        bind(insert, row);
        insert.executeUpdate();
        inserted++;
      }
    }
    rows.clear();
    return inserted;
  }

  static ClearingFileException conflict(long line, String trace, String column) {
    return new ClearingFileException(
        Reason.CONFLICTING_RECORD,
        line,
        column,
        "durable trace \""
            + trace
            + "\" is already stored (or earlier in this file) with a different "
            + column);
  }

  private static String firstDifference(ResultSet rs, Object[] row) throws SQLException {
    for (int c = 1; c < row.length; c++) {
      Object stored = rs.getObject(c + 1);
      Object mine = row[c];
      if (stored instanceof Number && mine instanceof Number) {
        if (((Number) stored).longValue() != ((Number) mine).longValue()) {
          return ClearingRows.CONTENT.get(c);
        }
      } else if (!Objects.equals(stored == null ? null : stored.toString(), mine)) {
        return ClearingRows.CONTENT.get(c);
      }
    }
    return null;
  }

  private void bind(PreparedStatement s, Object[] row) throws SQLException {
    for (int c = 0; c < row.length; c++) {
      Object v = row[c];
      if (v == null) {
        s.setNull(c + 1, java.sql.Types.VARCHAR);
      } else if (v instanceof Long) {
        s.setLong(c + 1, (Long) v);
      } else if (v instanceof Integer) {
        s.setInt(c + 1, (Integer) v);
      } else {
        s.setString(c + 1, (String) v);
      }
    }
    s.setString(row.length + 1, batchId);
    s.setLong(row.length + 2, ingestedAt);
  }

  static boolean isUniqueViolation(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        SQLException s = (SQLException) t;
        if ("23505".equals(s.getSQLState())) {
          return true;
        }
        for (SQLException n = s.getNextException(); n != null; n = n.getNextException()) {
          if ("23505".equals(n.getSQLState())) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
