package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.EventType;
import dev.aegis.core.json.Json;
import dev.aegis.core.pins.PinStore;
import dev.aegis.core.pins.StoredDefinition;
import dev.aegis.core.pins.ToolPin;
import dev.aegis.core.pins.UpstreamPins;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The session's tool catalog with pins that outlive the session, per upstream. At start the stored
 * pins are sealed as the session's own (TOOL_CATALOG_PINNED, {@code source: "store"}); each {@code
 * tools/list} answer is checked by the {@link ToolCatalog}, new tools are pinned in the store
 * (first writer wins; a tool another session pinned differently is sealed TOOL_CATALOG_CHANGED),
 * changes are recorded there for review, and a changed tool whose stored pin an operator has since
 * set to what the server lists now is sealed TOOL_CATALOG_REPINNED.
 *
 * <p>Every decision is sealed, so replay reads only the chain. Failure: the store never breaks the
 * session — the first store failure is logged and the session pins on its own from then on. Chain
 * failures ({@link dev.aegis.core.chain.ChainStoreException} from sealing) propagate. Threading:
 * methods are synchronized; store calls block the calling thread.
 */
final class CatalogPins {
  private static final System.Logger LOG = System.getLogger(CatalogPins.class.getName());

  private final SessionChain chain;
  private final ToolCatalog catalog;
  private final String upstream;
  private PinStore store;

  /** Tools of the listing being read so far, by name (pages accumulate until the last one). */
  private final Map<String, JsonNode> listing = new LinkedHashMap<>();

  /** Pins per session only when {@code pins} is null or has no store. */
  CatalogPins(SessionChain chain, ToolCatalog catalog, UpstreamPins pins) {
    this.chain = requireNonNull(chain, "chain");
    this.catalog = requireNonNull(catalog, "catalog");
    this.upstream = pins == null ? null : pins.upstreamId();
    this.store = pins == null ? null : pins.store();
  }

  /** The upstream's id, or null when none was given. */
  String upstreamId() {
    return upstream;
  }

  /**
   * Seals the stored pins of the upstream that the session has not pinned yet (a resumed session
   * keeps its own), as the session's pins.
   */
  synchronized void loadStored() {
    List<ToolPin> rows = stored("load the pins", s -> s.list(chain.tenantId(), upstream));
    if (rows == null) {
      return;
    }
    ObjectNode tools = Json.object();
    for (ToolPin row : rows) {
      if (row.holds() && catalog.pinnedSha(row.toolName()) == null) {
        ObjectNode entry = entry(row);
        if (entry != null) {
          tools.set(row.toolName(), entry);
        }
      }
    }
    if (!tools.isEmpty()) {
      ObjectNode p = Json.object().put("source", "store").put("upstream_id", upstream);
      p.set("tools", tools);
      chain.seal(EventType.TOOL_CATALOG_PINNED, p, null);
    }
  }

  /** Checks a {@code tools/list} result (the answer's frame sealed at {@code frameSeq}). */
  synchronized void onToolList(JsonNode result, long frameSeq) {
    Map<String, JsonNode> page = ToolCatalog.tools(result);
    listing.putAll(page);
    Set<String> fresh = new TreeSet<>();
    TreeMap<String, String> changedNow = new TreeMap<>();
    Map<String, String> renamedFrom = new TreeMap<>();
    for (ToolCatalog.Event e : catalog.check(result, frameSeq)) {
      chain.seal(e.type(), e.payload(), null);
      JsonNode tools = e.payload().path("tools");
      if (e.type() == EventType.TOOL_CATALOG_PINNED) {
        tools.fieldNames().forEachRemaining(fresh::add);
      } else {
        tools.fields().forEachRemaining(f -> changedNow.put(f.getKey(), sha(f.getValue())));
        for (JsonNode r : e.payload().path("renamed")) {
          String to = r.path("to").asText("");
          renamedFrom.put(to, r.path("from").asText(""));
          if (listing.containsKey(to)) {
            changedNow.put(to, ToolCatalog.digest(listing.get(to)));
          }
        }
      }
    }
    if (store != null) {
      sync(page, fresh, changedNow, renamedFrom, frameSeq);
    }
    JsonNode cursor = result.path("nextCursor");
    if (!cursor.isTextual() || cursor.asText().isEmpty()) {
      listing.clear();
    }
  }

  private void sync(
      Map<String, JsonNode> page,
      Set<String> fresh,
      TreeMap<String, String> changedNow,
      Map<String, String> renamedFrom,
      long frameSeq) {
    String tenant = chain.tenantId();
    String session = chain.sessionId();
    long now = System.currentTimeMillis();
    Map<String, StoredDefinition> toPin = new TreeMap<>();
    for (String name : fresh) {
      if (!renamedFrom.containsKey(name)) { // a rename's new name is not trusted on first sight
        toPin.put(name, StoredDefinition.of(listing.get(name), now, session));
      }
    }
    Map<String, ToolPin> rows = new HashMap<>();
    if (!toPin.isEmpty()) {
      Map<String, ToolPin> won =
          stored("pin new tools", s -> s.pinIfAbsent(tenant, upstream, toPin));
      if (won == null) {
        return;
      }
      rows.putAll(won);
    }
    boolean marked = catalog.changedNames().stream().anyMatch(page::containsKey);
    if (marked || !changedNow.isEmpty()) {
      List<ToolPin> all = stored("read the pins", s -> s.list(tenant, upstream));
      if (all == null) {
        return;
      }
      all.forEach(p -> rows.put(p.toolName(), p));
    }
    TreeMap<String, String> lost = new TreeMap<>();
    toPin.forEach(
        (name, d) -> {
          ToolPin row = rows.get(name);
          if (row != null && !row.holds(d.sha256())) {
            lost.put(name, d.sha256());
          }
        });
    if (!lost.isEmpty()) { // another session pinned these first, differently
      ObjectNode p = ToolCatalog.changedPayload(lost, List.of(), frameSeq);
      p.put("source", "store").put("upstream_id", upstream);
      chain.seal(EventType.TOOL_CATALOG_CHANGED, p, null);
      changedNow.putAll(lost);
    }
    if (record(changedNow, renamedFrom, rows, now)) {
      repin(page, rows, frameSeq);
    }
  }

  /** Records the changes in the store, awaiting review; false if the store failed. */
  private boolean record(
      Map<String, String> changedNow,
      Map<String, String> renamedFrom,
      Map<String, ToolPin> rows,
      long now) {
    for (Map.Entry<String, String> c : changedNow.entrySet()) {
      String name = c.getKey();
      String from = renamedFrom.get(name);
      ToolPin row = rows.get(name);
      JsonNode tool = listing.get(name);
      if (tool == null || (from == null && row != null && row.holds(c.getValue()))) {
        continue; // an operator already approved what the server lists now
      }
      StoredDefinition seen = StoredDefinition.of(tool, now, chain.sessionId());
      Boolean ok =
          stored(
              "record a changed tool",
              s -> {
                s.recordChange(chain.tenantId(), upstream, name, seen, from);
                return true;
              });
      if (ok == null) {
        return false;
      }
      rows.put(
          name,
          row != null
              ? row.withSeen(seen, from)
              : new ToolPin(chain.tenantId(), upstream, name, null, null, seen, from));
    }
    return true;
  }

  /**
   * Seals TOOL_CATALOG_REPINNED for the changed tools listed now whose stored pin holds exactly the
   * listed definition — unless that is the session's own old pin (a server that changed a tool and
   * changed it back stays changed for the session).
   */
  private void repin(Map<String, JsonNode> page, Map<String, ToolPin> rows, long frameSeq) {
    ObjectNode tools = Json.object();
    TreeSet<String> approvers = new TreeSet<>();
    for (String name : new TreeSet<>(catalog.changedNames())) {
      JsonNode tool = page.get(name);
      ToolPin row = rows.get(name);
      if (tool == null || row == null) {
        continue;
      }
      String sha = ToolCatalog.digest(tool);
      boolean ownOldPin = sha.equals(catalog.pinnedSha(name)) && !catalog.isRenameTarget(name);
      ObjectNode entry = row.holds(sha) && !ownOldPin ? entry(row) : null;
      if (entry != null) {
        tools.set(name, entry);
        approvers.add(entry.path("approved_by").asText());
      }
    }
    if (tools.isEmpty()) {
      return;
    }
    ObjectNode p = Json.object();
    p.set("tools", tools);
    approvers.forEach(p.putArray("approved_by")::add);
    p.put("upstream_id", upstream);
    p.put("frame_seq", frameSeq);
    chain.seal(EventType.TOOL_CATALOG_REPINNED, p, null);
  }

  /**
   * The catalog-event entry of a stored pin (digests, annotations, approver), or null when the
   * stored definition does not match its digest (it is then ignored).
   */
  private ObjectNode entry(ToolPin row) {
    JsonNode tool;
    try {
      tool = Json.parse(row.pinned().definition().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      tool = null;
    }
    if (tool == null || !tool.isObject() || !ToolCatalog.digest(tool).equals(sha(row))) {
      LOG.log(
          System.Logger.Level.WARNING,
          "tool pins: the stored definition of "
              + row.toolName()
              + " (upstream "
              + upstream
              + ") does not match its digest; ignored");
      return null;
    }
    ObjectNode e = Json.object();
    e.put("sha256", sha(row));
    e.put("unnamed_sha256", ToolCatalog.unnamedDigest(tool));
    JsonNode annotations = tool.path("annotations");
    e.set("annotations", annotations.isObject() ? annotations : Json.object());
    e.put("approved_by", row.approvedBy() == null ? "" : row.approvedBy());
    e.put("pinned_unix_ms", row.pinned().unixMs());
    return e;
  }

  private static String sha(ToolPin row) {
    return row.pinned().sha256();
  }

  private static String sha(JsonNode entry) {
    return entry.path("sha256").asText("");
  }

  /** Runs a store call; on failure logs once, stops using the store and returns null. */
  private <T> T stored(String action, Function<PinStore, T> call) {
    PinStore s = store;
    if (s == null || upstream == null) {
      return null;
    }
    try {
      return call.apply(s);
    } catch (RuntimeException e) {
      store = null;
      LOG.log(
          System.Logger.Level.WARNING,
          "tool pins: cannot "
              + action
              + " of upstream "
              + upstream
              + " ("
              + e.getMessage()
              + "); session "
              + chain.sessionId()
              + " pins tools on its own from now on");
      return null;
    }
  }
}
