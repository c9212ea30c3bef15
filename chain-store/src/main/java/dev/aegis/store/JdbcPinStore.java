package dev.aegis.store;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.pins.PinStore;
import dev.aegis.core.pins.StoredDefinition;
import dev.aegis.core.pins.ToolPin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code tool_pins} table of a chain store, over short-lived connections of the store's own
 * {@link Database} (pins are read at session start and written when a catalog changes: rare). A
 * write runs in one transaction — on SQLite {@code BEGIN IMMEDIATE}, waiting for the proxies'
 * writers up to the busy timeout. Thread-safe; every call blocks.
 */
final class JdbcPinStore implements PinStore {
  private final Database db;

  JdbcPinStore(Database db) {
    this.db = requireNonNull(db, "db");
  }

  @Override
  public List<ToolPin> list(String tenantId, String upstream) {
    return read(
        "list pins",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(PinSql.list(tenantId, upstream))) {
            int i = 1;
            if (tenantId != null) {
              ps.setString(i++, tenantId);
            }
            if (upstream != null) {
              ps.setString(i, upstream);
            }
            return PinSql.rows(ps);
          }
        });
  }

  @Override
  public Map<String, ToolPin> pinIfAbsent(
      String tenantId, String upstream, Map<String, StoredDefinition> definitions) {
    requireKey(tenantId, upstream);
    return write(
        "pin tools",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(PinSql.PIN_IF_ABSENT)) {
            for (Map.Entry<String, StoredDefinition> e : definitions.entrySet()) {
              bind(ps, tenantId, upstream, e.getKey(), e.getValue());
              ps.setString(8, FIRST_SEEN);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          Map<String, ToolPin> out = new TreeMap<>();
          for (ToolPin p : upstreamRows(c, tenantId, upstream)) {
            if (definitions.containsKey(p.toolName())) {
              out.put(p.toolName(), p);
            }
          }
          return out;
        });
  }

  @Override
  public void recordChange(
      String tenantId,
      String upstream,
      String toolName,
      StoredDefinition seen,
      String renamedFrom) {
    requireKey(tenantId, upstream);
    requireNonNull(toolName, "toolName");
    requireNonNull(seen, "seen");
    write(
        "record a changed tool",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(PinSql.RECORD_CHANGE)) {
            bind(ps, tenantId, upstream, toolName, seen);
            ps.setString(8, renamedFrom);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public List<ToolPin> approve(
      String tenantId,
      String upstream,
      Collection<String> toolNames,
      String approvedBy,
      long unixMs) {
    requireKey(tenantId, upstream);
    requireNonNull(approvedBy, "approvedBy");
    Set<String> wanted = new HashSet<>(toolNames);
    return write(
        "approve pins",
        c -> {
          List<ToolPin> approved = new ArrayList<>();
          for (ToolPin p : upstreamRows(c, tenantId, upstream)) {
            if (p.seen() == null || !(wanted.isEmpty() || wanted.contains(p.toolName()))) {
              continue;
            }
            try (PreparedStatement ps = c.prepareStatement(PinSql.APPROVE)) {
              ps.setLong(1, unixMs);
              ps.setString(2, approvedBy);
              ps.setString(3, tenantId);
              ps.setString(4, upstream);
              ps.setString(5, p.toolName());
              ps.setString(6, p.seen().sha256());
              if (ps.executeUpdate() == 1) { // else a newer definition arrived meanwhile
                StoredDefinition pinned = p.seen().at(unixMs, p.seen().sessionId());
                approved.add(
                    new ToolPin(tenantId, upstream, p.toolName(), pinned, approvedBy, null, null));
              }
            }
          }
          return approved;
        });
  }

  @Override
  public int reset(String tenantId, String upstream, String toolName) {
    requireKey(tenantId, upstream);
    return write(
        "reset pins",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(PinSql.reset(toolName != null))) {
            ps.setString(1, tenantId);
            ps.setString(2, upstream);
            if (toolName != null) {
              ps.setString(3, toolName);
            }
            return ps.executeUpdate();
          }
        });
  }

  private static List<ToolPin> upstreamRows(Connection c, String tenantId, String upstream)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PinSql.list(tenantId, upstream))) {
      ps.setString(1, tenantId);
      ps.setString(2, upstream);
      return PinSql.rows(ps);
    }
  }

  /** Binds the key and a definition to parameters 1-7 of an insert of {@link PinSql}. */
  private static void bind(
      PreparedStatement ps, String tenantId, String upstream, String tool, StoredDefinition d)
      throws SQLException {
    ps.setString(1, tenantId);
    ps.setString(2, upstream);
    ps.setString(3, tool);
    ps.setString(4, d.sha256());
    ps.setString(5, d.definition());
    ps.setLong(6, d.unixMs());
    ps.setString(7, d.sessionId());
  }

  private static void requireKey(String tenantId, String upstream) {
    requireNonNull(tenantId, "tenantId");
    requireNonNull(upstream, "upstream");
  }

  private <T> T read(String action, ReadPool.Work<T> work) {
    return ShortLived.read(db, action, work);
  }

  private <T> T write(String action, ReadPool.Work<T> work) {
    return ShortLived.write(db, action, work);
  }

  @Override
  public String toString() {
    return "pins of " + db.describe();
  }
}
