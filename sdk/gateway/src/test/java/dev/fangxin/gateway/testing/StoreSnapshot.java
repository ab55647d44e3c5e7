package dev.fangxin.gateway.testing;

import dev.fangxin.gateway.store.Store;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every row of every table of a store, each rendered exactly (column=value, bytes in base64) and
 * sorted, keyed by lower-case table name: two snapshots are equal when nothing stored changed.
 */
public final class StoreSnapshot {
  private StoreSnapshot() {}

  /** The rows of every table in {@code store}'s schema. */
  public static Map<String, List<String>> of(Store store) throws SQLException {
    Map<String, List<String>> out = new TreeMap<>();
    try (Connection c = store.connection()) {
      DatabaseMetaData meta = c.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = meta.getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      try (Statement s = c.createStatement()) {
        for (String table : tables) {
          List<String> rows = new ArrayList<>();
          try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
              StringBuilder row = new StringBuilder();
              for (int i = 1; i <= md.getColumnCount(); i++) {
                Object v = rs.getObject(i);
                row.append(md.getColumnLabel(i)).append('=');
                row.append(
                    v instanceof byte[]
                        ? Base64.getEncoder().encodeToString((byte[]) v)
                        : String.valueOf(v));
                row.append('\u001f');
              }
              rows.add(row.toString());
            }
          }
          rows.sort(null);
          out.put(table.toLowerCase(Locale.ROOT), rows);
        }
      }
    }
    return out;
  }
}
