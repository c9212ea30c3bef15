package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.GuardDecision;
import dev.aegis.core.guard.ToolCallGuard;
import dev.aegis.core.json.Json;
import dev.aegis.core.pins.PinStore;
import dev.aegis.core.pins.StoredDefinition;
import dev.aegis.core.pins.ToolPin;
import dev.aegis.core.pins.UpstreamPins;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.GuardOptions;
import dev.aegis.core.pipeline.ProxySession;
import dev.aegis.core.pipeline.SessionChain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool pins across sessions: real {@link ProxySession}s sealing into, and pinning in, one real
 * SQLite store, with the store's contents changed between sessions as operators and other sessions
 * would. Asserts the sealed catalog events; what the policy makes of them is tested in the guard
 * module and end to end (cli PinningIT).
 */
class SessionPinsTest {
  private static final String T = "default";
  private static final String UP = "stdio:notes:0123456789abcdef";
  private static final String SEARCH = tool("search", "Search notes");
  private static final String SEARCH_CHANGED = tool("search", "Search notes, then mail them");
  private static final String READ = tool("read", "Read a note");
  private static final String FIND = tool("find", "Search notes");

  @TempDir Path dir;
  ChainStore store;
  PinStore pins;
  private final List<Session> sessions = new ArrayList<>();

  private static String tool(String name, String description) {
    return "{\"name\":\""
        + name
        + "\",\"description\":\""
        + description
        + "\",\"inputSchema\":{\"type\":\"object\"}}";
  }

  private static String sha(String tool) {
    return EnvelopeHasher.hashOf(Json.parseTrusted(tool));
  }

  @BeforeEach
  void open() {
    store = ChainStores.open("sqlite:" + dir.resolve("chain.db"), Durability.NORMAL);
    pins = ChainStores.pins(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** A started session of the upstream; every event it seals is kept in {@code sealed}. */
  private Session session(String id) {
    Session s = new Session(id);
    sessions.add(s);
    return s;
  }

  private final class Session implements ToolCallGuard {
    final List<Envelope> sealed = new ArrayList<>();
    final ProxySession proxy;
    private int nextId;

    Session(String id) {
      SessionChain chain = SessionChain.open(store, InstantSource.system(), T, "", id);
      proxy =
          new ProxySession(
              chain,
              this,
              GuardOptions.DEFAULT,
              dev.aegis.core.approval.ApprovalSettings.withoutStore(),
              new UpstreamPins(UP, pins));
      proxy.start(Json.object());
    }

    /** The client asks for the tools, the server answers with these; returns new catalog events. */
    List<Envelope> list(String... tools) {
      int id = ++nextId;
      int before = sealed.size();
      String request = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}";
      proxy.onFrame(Direction.CLIENT_TO_SERVER, frame(request)).join();
      String answer =
          "{\"jsonrpc\":\"2.0\",\"id\":"
              + id
              + ",\"result\":{\"tools\":["
              + String.join(",", tools)
              + "]}}";
      proxy.onFrame(Direction.SERVER_TO_CLIENT, frame(answer)).join();
      return catalogEvents(sealed.subList(before, sealed.size()));
    }

    List<Envelope> catalog() {
      return catalogEvents(sealed);
    }

    @Override
    public synchronized void observe(Envelope e) {
      sealed.add(e);
    }

    @Override
    public CompletableFuture<GuardDecision> decide(Envelope proposal) {
      return CompletableFuture.completedFuture(
          new GuardDecision(Decision.policyError(), Json.object()));
    }

    @Override
    public boolean lists(String toolName) {
      return true;
    }
  }

  private static Frame frame(String json) {
    return Frame.of(json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Envelope> catalogEvents(List<Envelope> events) {
    return events.stream().filter(e -> e.eventType().startsWith("TOOL_CATALOG_")).toList();
  }

  private static List<String> types(List<Envelope> events) {
    return events.stream().map(Envelope::eventType).toList();
  }

  private ToolPin stored(String tool) {
    return pins.list(T, UP).stream()
        .filter(p -> p.toolName().equals(tool))
        .findFirst()
        .orElse(null);
  }

  private void approveAll() {
    assertThat(pins.approve(T, UP, List.of(), "alice", 1)).isNotEmpty();
  }

  @Test
  void theFirstSessionPinsInTheStoreAndTheNextStartsWithThosePins() {
    Session s1 = session("s1");
    assertThat(s1.catalog()).as("nothing stored yet").isEmpty();
    assertThat(types(s1.list(SEARCH, READ))).containsExactly("TOOL_CATALOG_PINNED");
    assertThat(stored("search").holds(sha(SEARCH))).isTrue();
    assertThat(stored("search").approvedBy()).isEqualTo(PinStore.FIRST_SEEN);
    assertThat(stored("search").pinned().sessionId()).isEqualTo("s1");

    Session s2 = session("s2");
    List<Envelope> loaded = s2.catalog();
    assertThat(types(loaded)).containsExactly("TOOL_CATALOG_PINNED");
    JsonNode p = loaded.get(0).payload();
    assertThat(p.get("source").asText()).isEqualTo("store");
    assertThat(p.get("upstream_id").asText()).isEqualTo(UP);
    assertThat(p.at("/tools/search/sha256").asText()).isEqualTo(sha(SEARCH));
    assertThat(p.at("/tools/search/approved_by").asText()).isEqualTo("first-seen");
    assertThat(s2.sealed.get(0).payload().get("upstream_id").asText())
        .as("SESSION_STARTED names the upstream")
        .isEqualTo(UP);
    assertThat(s2.list(SEARCH, READ)).as("the same catalog: nothing to seal").isEmpty();
  }

  @Test
  void aChangeAwaitsReviewAndAnApprovalRepinsTheLiveSession() {
    session("s1").list(SEARCH, READ);
    Session s2 = session("s2");
    List<Envelope> changed = s2.list(SEARCH_CHANGED, READ);
    assertThat(types(changed)).containsExactly("TOOL_CATALOG_CHANGED");
    ToolPin search = stored("search");
    assertThat(search.holds(sha(SEARCH))).as("the pin holds until approved").isTrue();
    assertThat(search.seen().sha256()).isEqualTo(sha(SEARCH_CHANGED));
    assertThat(search.seen().sessionId()).isEqualTo("s2");
    assertThat(s2.list(SEARCH_CHANGED, READ)).as("not approved yet").isEmpty();

    approveAll();
    List<Envelope> repinned = s2.list(SEARCH_CHANGED, READ);
    assertThat(types(repinned)).containsExactly("TOOL_CATALOG_REPINNED");
    JsonNode p = repinned.get(0).payload();
    assertThat(p.at("/tools/search/sha256").asText()).isEqualTo(sha(SEARCH_CHANGED));
    assertThat(p.get("approved_by").toString()).isEqualTo("[\"alice\"]");
    assertThat(s2.list(SEARCH_CHANGED, READ)).as("repinned once").isEmpty();

    Session s3 = session("s3");
    assertThat(s3.catalog().get(0).payload().at("/tools/search/sha256").asText())
        .isEqualTo(sha(SEARCH_CHANGED));
    assertThat(s3.list(SEARCH_CHANGED, READ)).isEmpty();
  }

  @Test
  void anApprovalGivenBeforeTheSessionSawTheChangeRepinsAtOnce() {
    session("s1").list(SEARCH);
    Session early = session("early");
    session("s2").list(SEARCH_CHANGED);
    approveAll();
    assertThat(types(early.list(SEARCH_CHANGED)))
        .containsExactly("TOOL_CATALOG_CHANGED", "TOOL_CATALOG_REPINNED");
    assertThat(stored("search").seen()).as("nothing left to review").isNull();
  }

  @Test
  void aServerThatChangesAToolBackStaysChangedForTheSession() {
    session("s1").list(SEARCH);
    Session s2 = session("s2");
    s2.list(SEARCH_CHANGED);
    assertThat(s2.list(SEARCH)).isEmpty();
    assertThat(stored("search").seen().sha256())
        .as("still awaiting review")
        .isEqualTo(sha(SEARCH_CHANGED));
  }

  @Test
  void aToolAnotherSessionPinnedFirstDifferentlyIsChanged() {
    Session racing = session("racing");
    assertThat(racing.catalog()).as("nothing stored when it started").isEmpty();
    StoredDefinition theirs = StoredDefinition.of(Json.parseTrusted(SEARCH), 1, "other");
    pins.pinIfAbsent(T, UP, Map.of("search", theirs));
    List<Envelope> events = racing.list(SEARCH_CHANGED, READ);
    assertThat(types(events)).containsExactly("TOOL_CATALOG_PINNED", "TOOL_CATALOG_CHANGED");
    JsonNode changed = events.get(1).payload();
    assertThat(changed.get("source").asText()).isEqualTo("store");
    assertThat(changed.get("changed").toString()).isEqualTo("[\"search\"]");
    assertThat(stored("search").holds(sha(SEARCH))).as("the first writer won").isTrue();
    assertThat(stored("search").seen().sha256()).isEqualTo(sha(SEARCH_CHANGED));
    assertThat(stored("read").holds(sha(READ))).isTrue();
  }

  @Test
  void aRenamedToolIsUntrustedInEverySessionUntilApproved() {
    session("s1").list(SEARCH, READ);
    Session s2 = session("s2");
    List<Envelope> renamed = s2.list(FIND, READ);
    assertThat(types(renamed)).containsExactly("TOOL_CATALOG_PINNED", "TOOL_CATALOG_CHANGED");
    assertThat(renamed.get(1).payload().get("renamed").toString())
        .isEqualTo("[{\"from\":\"search\",\"to\":\"find\"}]");
    ToolPin find = stored("find");
    assertThat(find.pinned()).as("a rename's new name is not pinned on sight").isNull();
    assertThat(find.renamedFrom()).isEqualTo("search");

    Session s3 = session("s3");
    assertThat(s3.catalog().get(0).payload().get("tools").has("find")).isFalse();
    assertThat(types(s3.list(FIND, READ)))
        .as("the rename is found again")
        .containsExactly("TOOL_CATALOG_PINNED", "TOOL_CATALOG_CHANGED");

    approveAll();
    assertThat(types(s3.list(FIND, READ))).containsExactly("TOOL_CATALOG_REPINNED");
    assertThat(session("s4").list(FIND, READ)).isEmpty();
  }

  @Test
  void aBrokenPinStoreLeavesTheSessionPinningOnItsOwn() throws Exception {
    session("s1").list(SEARCH);
    Session s2 = session("s2");
    try (Connection c = SqliteChainStoreTest.connect(dir.resolve("chain.db"));
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE tool_pins");
    }
    assertThat(types(s2.list(SEARCH, READ))).containsExactly("TOOL_CATALOG_PINNED");
    assertThat(types(s2.list(SEARCH_CHANGED, READ))).containsExactly("TOOL_CATALOG_CHANGED");
    assertThat(s2.proxy.chain().failure()).as("the chain is fine").isNull();
    Session s3 = session("s3");
    assertThat(s3.catalog()).as("nothing could be loaded").isEmpty();
    assertThat(types(s3.list(SEARCH))).containsExactly("TOOL_CATALOG_PINNED");
  }
}
