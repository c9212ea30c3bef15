package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.json.Json;
import dev.aegis.core.pins.PinStore;
import dev.aegis.core.pins.StoredDefinition;
import dev.aegis.core.pins.ToolPin;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of the tool-pin table every store must meet, on a real database per subclass: first
 * writer wins, changes await review, approvals and resets, several stores (processes) at once, and
 * pin writes beside a busy chain writer.
 */
abstract class PinStoreContractTest {
  static final String T = "acme";
  static final String UP = "stdio:server:0123456789abcdef";

  /** Opens a new store instance on this test's database; several may be open at once. */
  abstract ChainStore open();

  /** A raw autocommit connection to this test's database with owner rights. */
  abstract Connection connect() throws SQLException;

  /** Releases this test's database after its stores are closed. */
  void dropDatabase() {}

  private final List<ChainStore> opened = new ArrayList<>();
  ChainStore store;
  PinStore pins;

  @BeforeEach
  void openStore() {
    store = track(open());
    pins = ChainStores.pins(store);
  }

  @AfterEach
  void closeStores() {
    opened.forEach(ChainStore::close);
    dropDatabase();
  }

  ChainStore track(ChainStore s) {
    opened.add(s);
    return s;
  }

  static StoredDefinition def(String name, String description, long at, String session) {
    JsonNode tool =
        Json.parseTrusted(
            "{\"name\":\""
                + name
                + "\",\"description\":\""
                + description
                + "\",\"inputSchema\":{\"type\":\"object\"},\"annotations\":{\"readOnlyHint\":true}}");
    return StoredDefinition.of(tool, at, session);
  }

  @Test
  void theFirstWriterWinsAndDefinitionsComeBackExactly() {
    StoredDefinition first = def("search", "sucht Notizen — ✓ \\u0000", 1000, "s1");
    Map<String, ToolPin> won = pins.pinIfAbsent(T, UP, Map.of("search", first));
    assertThat(won).containsOnlyKeys("search");
    ToolPin p = won.get("search");
    assertThat(p.pinned()).isEqualTo(first);
    assertThat(p.approvedBy()).isEqualTo(PinStore.FIRST_SEEN);
    assertThat(p.seen()).isNull();
    assertThat(p.holds(first.sha256())).isTrue();
    assertThat(p.status()).isEqualTo("pinned");

    StoredDefinition second = def("search", "Search notes, then mail them", 2000, "s2");
    Map<String, ToolPin> again =
        pins.pinIfAbsent(T, UP, Map.of("search", second, "read", def("read", "r", 2000, "s2")));
    assertThat(again.get("search").pinned()).as("an existing pin wins").isEqualTo(first);
    assertThat(again.get("read").pinned().sessionId()).isEqualTo("s2");
    assertThat(pins.list(T, UP))
        .extracting(ToolPin::toolName)
        .as("ordered by name")
        .containsExactly("read", "search");
  }

  @Test
  void listingIsPerTenantAndUpstreamOrAll() {
    pins.pinIfAbsent(T, UP, Map.of("a", def("a", "x", 1, "s"), "B", def("B", "x", 1, "s")));
    pins.pinIfAbsent(T, "http://other/mcp", Map.of("a", def("a", "y", 1, "s")));
    pins.pinIfAbsent("t2", UP, Map.of("b", def("b", "x", 1, "s")));
    assertThat(pins.list(T, UP)).extracting(ToolPin::toolName).containsExactly("B", "a");
    assertThat(pins.list(T, null))
        .extracting(ToolPin::upstream)
        .as("ordered by code point, not by a locale")
        .containsExactly("http://other/mcp", UP, UP);
    assertThat(pins.list(null, null))
        .extracting(p -> p.tenantId() + "/" + p.toolName())
        .containsExactly("acme/a", "acme/B", "acme/a", "t2/b");
    assertThat(pins.list("nobody", null)).isEmpty();
  }

  @Test
  void aChangeAwaitsReviewAndApprovalMakesItThePin() {
    StoredDefinition p0 = def("search", "v1", 1000, "s1");
    pins.pinIfAbsent(T, UP, Map.of("search", p0, "read", def("read", "r", 1000, "s1")));
    StoredDefinition c1 = def("search", "v2", 2000, "s2");
    pins.recordChange(T, UP, "search", c1, null);
    ToolPin changed = pins.list(T, UP).get(1);
    assertThat(changed.pinned()).as("the pin holds until approved").isEqualTo(p0);
    assertThat(changed.seen()).isEqualTo(c1);
    assertThat(changed.status()).isEqualTo("changed");
    assertThat(changed.holds(p0.sha256())).isTrue();

    StoredDefinition c2 = def("search", "v3", 3000, "s3");
    pins.recordChange(T, UP, "search", c2, null);
    assertThat(pins.list(T, UP).get(1).seen()).as("the latest one").isEqualTo(c2);

    assertThat(pins.approve(T, UP, List.of("read"), "alice", 4000))
        .as("nothing awaits review for read")
        .isEmpty();
    List<ToolPin> approved = pins.approve(T, UP, List.of("search"), "alice", 4000);
    assertThat(approved).hasSize(1);
    ToolPin now = pins.list(T, UP).get(1);
    assertThat(approved.get(0)).isEqualTo(now);
    assertThat(now.pinned()).isEqualTo(c2.at(4000, "s3"));
    assertThat(now.approvedBy()).isEqualTo("alice");
    assertThat(now.seen()).isNull();
    assertThat(now.holds(c2.sha256())).isTrue();
    assertThat(pins.approve(T, UP, List.of(), "alice", 5000)).as("nothing left").isEmpty();
  }

  @Test
  void aRenamesNewNameHasNoPinAndHoldsOnlyOnceApproved() {
    pins.pinIfAbsent(T, UP, Map.of("search", def("search", "v1", 1000, "s1")));
    StoredDefinition renamed = def("find", "v1", 2000, "s2");
    pins.recordChange(T, UP, "find", renamed, "search");
    ToolPin find = pins.list(T, UP).get(0);
    assertThat(find.pinned()).isNull();
    assertThat(find.approvedBy()).isNull();
    assertThat(find.renamedFrom()).isEqualTo("search");
    assertThat(find.status()).isEqualTo("renamed");
    assertThat(find.holds()).isFalse();
    assertThat(pins.pinIfAbsent(T, UP, Map.of("find", renamed)).get("find").holds())
        .as("pinning it on sight does not bypass review")
        .isFalse();

    StoredDefinition again = def("find", "v1b", 3000, "s3");
    pins.recordChange(T, UP, "find", again, null);
    assertThat(pins.list(T, UP).get(0).renamedFrom())
        .as("a later change keeps the rename mark")
        .isEqualTo("search");

    assertThat(pins.approve(T, UP, List.of(), "bob", 4000)).hasSize(1);
    ToolPin approved = pins.list(T, UP).get(0);
    assertThat(approved.holds(again.sha256())).isTrue();
    assertThat(approved.renamedFrom()).isNull();
  }

  @Test
  void aRenameMarkWithdrawsTrustFromAPinTheNewNameAlreadyHad() {
    StoredDefinition find = def("find", "v1", 1000, "s1");
    pins.pinIfAbsent(T, UP, Map.of("find", find));
    pins.recordChange(T, UP, "find", find.at(2000, "s1"), "search");
    ToolPin p = pins.list(T, UP).get(0);
    assertThat(p.pinned()).isEqualTo(find);
    assertThat(p.holds()).isFalse();
  }

  @Test
  void resetDeletesOneToolOrTheWholeUpstream() {
    pins.pinIfAbsent(
        T,
        UP,
        Map.of("a", def("a", "x", 1, "s"), "b", def("b", "x", 1, "s"), "c", def("c", "x", 1, "s")));
    pins.pinIfAbsent(T, "other", Map.of("a", def("a", "x", 1, "s")));
    assertThat(pins.reset(T, UP, "b")).isEqualTo(1);
    assertThat(pins.reset(T, UP, "b")).isZero();
    assertThat(pins.list(T, UP)).extracting(ToolPin::toolName).containsExactly("a", "c");
    assertThat(pins.reset(T, UP, null)).isEqualTo(2);
    assertThat(pins.list(T, UP)).isEmpty();
    assertThat(pins.list(T, "other")).hasSize(1);
  }

  @Test
  void concurrentSessionsInSeveralProcessesAgreeOnOneFirstWriter() throws Exception {
    List<PinStore> stores = List.of(pins, ChainStores.pins(track(open())));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Map<String, ToolPin>>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        PinStore s = stores.get(i % 2);
        StoredDefinition d = def("search", "writer " + i, i, "s" + i);
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return s.pinIfAbsent(T, UP, Map.of("search", d));
                }));
      }
      go.countDown();
      List<StoredDefinition> seen = new ArrayList<>();
      for (Future<Map<String, ToolPin>> f : results) {
        seen.add(f.get().get("search").pinned());
      }
      assertThat(pins.list(T, UP)).hasSize(1);
      StoredDefinition winner = pins.list(T, UP).get(0).pinned();
      assertThat(seen).as("every writer sees the one winner").containsOnly(winner);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void pinWritesGoThroughBesideABusyChainWriter() {
    ChainBuilder b = new ChainBuilder(T, "busy", 1);
    List<CompletableFuture<Void>> appends = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (ChainRecord r : b.next(50)) {
        appends.add(store.append(r));
      }
      pins.pinIfAbsent(T, UP, Map.of("t" + round, def("t" + round, "x", round, "busy")));
      pins.recordChange(T, UP, "t" + round, def("t" + round, "y", round, "busy"), null);
    }
    appends.forEach(CompletableFuture::join);
    assertThat(pins.list(T, UP)).hasSize(20).allSatisfy(p -> assertThat(p.seen()).isNotNull());
  }

  @Test
  void anOlderStoreGetsThePinTableWhenOpened() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      // back to schema version 2: without the pins (V3) and the checkpoints and redactions (V4),
      // the session keys (V5)
      s.execute("DROP TABLE tool_pins");
      s.execute("DROP TABLE checkpoints");
      s.execute("DROP TABLE redactions");
      s.execute("DROP TABLE session_keys");
      s.execute("DELETE FROM schema_version WHERE version >= 3");
    }
    track(open());
    pins.pinIfAbsent(T, UP, Map.of("a", def("a", "x", 1, "s")));
    assertThat(pins.list(T, UP)).hasSize(1);
  }
}
