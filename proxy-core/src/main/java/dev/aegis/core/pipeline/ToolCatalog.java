package dev.aegis.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.EventType;
import dev.aegis.core.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The session's pinned tool catalog: digests every tool a server lists (RFC 8785 over the whole
 * tool object) and says which events a {@code tools/list} answer calls for — TOOL_CATALOG_PINNED
 * for names seen for the first time, TOOL_CATALOG_CHANGED for a pinned name whose definition
 * differs, or a rename (a pinned tool gone from a complete listing while a new name with the same
 * definition but for the name appeared).
 *
 * <p>Its memory is a function of the sealed catalog events only ({@link #observe}), so a restarted
 * proxy that replays the chain pins nothing twice. Pins loaded from the pin store are sealed as
 * TOOL_CATALOG_PINNED too; TOOL_CATALOG_REPINNED (an operator approved a changed definition)
 * replaces a pin and clears its change mark. Pages of a paginated list are merged by name: a
 * listing is complete at the first page without {@code nextCursor}. Thread-safe (synchronized).
 */
final class ToolCatalog {
  /** A pin: the digest of the whole definition and of the definition without its name. */
  private record Pin(String sha256, String unnamedSha256) {}

  private final Map<String, Pin> pinned = new HashMap<>();
  private final Map<String, String> reportedChange = new HashMap<>();
  private final TreeSet<String> changed = new TreeSet<>();
  private final TreeSet<String> renameTargets = new TreeSet<>();
  private final TreeSet<String> listing = new TreeSet<>();
  private final TreeMap<String, String> newInListing = new TreeMap<>();

  /** One event to seal. */
  record Event(EventType type, ObjectNode payload) {}

  /** The digest of a tool definition: the whole object under the one hashing rule. */
  static String digest(JsonNode tool) {
    return EnvelopeHasher.hashOf(tool);
  }

  /** The digest of a tool definition without its name, to recognise renames. */
  static String unnamedDigest(JsonNode tool) {
    ObjectNode copy = tool.deepCopy();
    copy.remove("name");
    return EnvelopeHasher.hashOf(copy);
  }

  /**
   * The events a {@code tools/list} result calls for (none for a result that is not a tool list);
   * sealing them and feeding them to {@link #observe} updates the catalog.
   */
  synchronized List<Event> check(JsonNode result, long frameSeq) {
    if (!result.path("tools").isArray()) {
      return List.of();
    }
    Map<String, JsonNode> page = tools(result);
    ObjectNode fresh = Json.object();
    TreeMap<String, String> changed = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : page.entrySet()) {
      String name = e.getKey();
      String sha = digest(e.getValue());
      Pin pin = pinned.get(name);
      if (pin == null) {
        JsonNode annotations = e.getValue().path("annotations");
        ObjectNode entry = Json.object().put("sha256", sha);
        entry.put("unnamed_sha256", unnamedDigest(e.getValue()));
        entry.set("annotations", annotations.isObject() ? annotations : Json.object());
        fresh.set(name, entry);
        newInListing.put(name, entry.get("unnamed_sha256").asText());
      } else if (!pin.sha256().equals(sha) && !sha.equals(reportedChange.get(name))) {
        changed.put(name, sha);
      }
    }
    listing.addAll(page.keySet());
    List<Map<String, String>> renamed = new ArrayList<>();
    JsonNode cursor = result.path("nextCursor");
    if (!cursor.isTextual() || cursor.asText().isEmpty()) {
      renamed = renames();
      listing.clear();
      newInListing.clear();
    }
    List<Event> events = new ArrayList<>();
    if (!fresh.isEmpty()) {
      ObjectNode p = Json.object();
      p.set("tools", fresh);
      p.put("frame_seq", frameSeq);
      events.add(new Event(EventType.TOOL_CATALOG_PINNED, p));
    }
    if (!changed.isEmpty() || !renamed.isEmpty()) {
      events.add(
          new Event(EventType.TOOL_CATALOG_CHANGED, changedPayload(changed, renamed, frameSeq)));
    }
    return events;
  }

  /** The tools of a {@code tools/list} result by name, in listed order (empty if none). */
  static Map<String, JsonNode> tools(JsonNode result) {
    Map<String, JsonNode> page = new LinkedHashMap<>();
    for (JsonNode t : result.path("tools")) {
      if (t.isObject() && t.path("name").isTextual()) {
        page.put(t.get("name").asText(), t);
      }
    }
    return page;
  }

  /** The digest the session pinned for a tool, or null if it pinned none. */
  synchronized String pinnedSha(String name) {
    Pin pin = pinned.get(name);
    return pin == null ? null : pin.sha256();
  }

  /** Tools marked changed in this session (both names of a rename) and not re-pinned since. */
  synchronized Set<String> changedNames() {
    return Set.copyOf(changed);
  }

  /** Whether the tool is the new name of a rename seen in this session. */
  synchronized boolean isRenameTarget(String name) {
    return renameTargets.contains(name);
  }

  /** Pinned tools missing from the complete listing whose definition reappears under a new name. */
  private List<Map<String, String>> renames() {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> goneByUnnamed = new TreeMap<>();
    new TreeMap<>(pinned)
        .forEach(
            (name, pin) -> {
              if (!listing.contains(name) && !reportedChange.containsKey(name)) {
                goneByUnnamed.putIfAbsent(pin.unnamedSha256(), name);
              }
            });
    newInListing.forEach(
        (name, unnamed) -> {
          String from = goneByUnnamed.remove(unnamed);
          if (from != null) {
            out.add(Map.of("from", from, "to", name));
          }
        });
    return out;
  }

  /** The payload of TOOL_CATALOG_CHANGED: changed names with their new digests, and renames. */
  static ObjectNode changedPayload(
      TreeMap<String, String> changed, List<Map<String, String>> renamed, long frameSeq) {
    ObjectNode p = Json.object();
    ArrayNode names = p.putArray("changed");
    changed.keySet().forEach(names::add);
    ArrayNode ren = p.putArray("renamed");
    for (Map<String, String> r : renamed) {
      ren.addObject().put("from", r.get("from")).put("to", r.get("to"));
    }
    ObjectNode tools = p.putObject("tools");
    changed.forEach((name, sha) -> tools.putObject(name).put("sha256", sha));
    p.put("frame_seq", frameSeq);
    return p;
  }

  /** Learns from a sealed event: pins from TOOL_CATALOG_PINNED, changes from …_CHANGED. */
  synchronized void observe(Envelope sealed) {
    JsonNode p = sealed.payload();
    if (EventType.TOOL_CATALOG_PINNED.name().equals(sealed.eventType())) {
      p.path("tools")
          .fields()
          .forEachRemaining(
              e ->
                  pinned.putIfAbsent(
                      e.getKey(),
                      new Pin(
                          e.getValue().path("sha256").asText(""),
                          e.getValue().path("unnamed_sha256").asText(""))));
    } else if (EventType.TOOL_CATALOG_CHANGED.name().equals(sealed.eventType())) {
      p.path("tools")
          .fields()
          .forEachRemaining(
              e -> reportedChange.put(e.getKey(), e.getValue().path("sha256").asText("")));
      p.path("changed").forEach(n -> changed.add(n.asText()));
      for (JsonNode r : p.path("renamed")) {
        reportedChange.putIfAbsent(r.path("from").asText(""), "");
        changed.add(r.path("from").asText(""));
        changed.add(r.path("to").asText(""));
        renameTargets.add(r.path("to").asText(""));
      }
    } else if (EventType.TOOL_CATALOG_REPINNED.name().equals(sealed.eventType())) {
      p.path("tools")
          .fields()
          .forEachRemaining(
              e -> {
                String name = e.getKey();
                pinned.put(
                    name,
                    new Pin(
                        e.getValue().path("sha256").asText(""),
                        e.getValue().path("unnamed_sha256").asText("")));
                reportedChange.remove(name);
                changed.remove(name);
              });
    }
  }
}
