package dev.aegis.store;

import dev.aegis.core.pins.StoredDefinition;
import dev.aegis.core.pins.ToolPin;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The SQL of the {@code tool_pins} table, the same in both dialects, and its row mapping. */
final class PinSql {
  private static final String COLUMNS =
      "tenant_id, upstream, tool_name, pinned_sha256, pinned_definition, pinned_unix_ms,"
          + " pinned_session_id, approved_by, seen_sha256, seen_definition, seen_unix_ms,"
          + " seen_session_id, seen_renamed_from";

  /** A row for a tool that has none; an existing row (another session's pin) wins. */
  static final String PIN_IF_ABSENT =
      "INSERT INTO tool_pins (tenant_id, upstream, tool_name, pinned_sha256, pinned_definition,"
          + " pinned_unix_ms, pinned_session_id, approved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT DO NOTHING";

  /** The latest definition awaiting review; a rename mark stays until approval. */
  static final String RECORD_CHANGE =
      "INSERT INTO tool_pins (tenant_id, upstream, tool_name, seen_sha256, seen_definition,"
          + " seen_unix_ms, seen_session_id, seen_renamed_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (tenant_id, upstream, tool_name) DO UPDATE SET"
          + " seen_sha256 = excluded.seen_sha256, seen_definition = excluded.seen_definition,"
          + " seen_unix_ms = excluded.seen_unix_ms, seen_session_id = excluded.seen_session_id,"
          + " seen_renamed_from ="
          + " COALESCE(excluded.seen_renamed_from, tool_pins.seen_renamed_from)";

  /** Makes the definition awaiting review the pin, if it is still the one that was read. */
  static final String APPROVE =
      "UPDATE tool_pins SET pinned_sha256 = seen_sha256, pinned_definition = seen_definition,"
          + " pinned_unix_ms = ?, pinned_session_id = seen_session_id, approved_by = ?,"
          + " seen_sha256 = NULL, seen_definition = NULL, seen_unix_ms = NULL,"
          + " seen_session_id = NULL, seen_renamed_from = NULL"
          + " WHERE tenant_id = ? AND upstream = ? AND tool_name = ? AND seen_sha256 = ?";

  private static final Comparator<ToolPin> ORDER =
      Comparator.comparing(ToolPin::tenantId)
          .thenComparing(ToolPin::upstream)
          .thenComparing(ToolPin::toolName);

  private PinSql() {}

  /** Rows of one tenant and upstream, or of all (null); {@link #rows} orders them. */
  static String list(String tenantId, String upstream) {
    List<String> where = new ArrayList<>();
    if (tenantId != null) {
      where.add("tenant_id = ?");
    }
    if (upstream != null) {
      where.add("upstream = ?");
    }
    return "SELECT "
        + COLUMNS
        + " FROM tool_pins"
        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
  }

  static String reset(boolean oneTool) {
    return "DELETE FROM tool_pins WHERE tenant_id = ? AND upstream = ?"
        + (oneTool ? " AND tool_name = ?" : "");
  }

  /**
   * Runs a query of {@link #list} and maps its rows, ordered by tenant, upstream and tool name by
   * UTF-16 code unit in both dialects (a PostgreSQL {@code ORDER BY} would follow its locale).
   */
  static List<ToolPin> rows(PreparedStatement ps) throws SQLException {
    List<ToolPin> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new ToolPin(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                definition(rs, 4),
                rs.getString(8),
                definition(rs, 9),
                rs.getString(13)));
      }
    }
    out.sort(ORDER);
    return out;
  }

  /** The definition in columns sha256, definition, unix_ms, session_id from {@code first}. */
  private static StoredDefinition definition(ResultSet rs, int first) throws SQLException {
    String sha = rs.getString(first);
    String text = rs.getString(first + 1);
    if (sha == null || text == null) {
      return null;
    }
    return new StoredDefinition(sha, text, rs.getLong(first + 2), rs.getString(first + 3));
  }
}
