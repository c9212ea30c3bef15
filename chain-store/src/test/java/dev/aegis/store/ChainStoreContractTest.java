package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.SessionKeyStore;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.chain.VerifyResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link ChainStore} must meet, run against a real database by each
 * implementation's subclass. One suite per SPI (long on purpose: every store must pass every case,
 * tampering included).
 */
abstract class ChainStoreContractTest {
  static final String T = "acme";

  /** Opens a new store instance on this test's database; several may be open at once. */
  abstract ChainStore open();

  /** A raw autocommit connection to this test's database with owner rights. */
  abstract Connection connect() throws SQLException;

  /** Removes the append-only triggers, as an attacker with owner rights could. */
  abstract void disableAppendOnly(Statement s) throws SQLException;

  /** Holds the database's write lock, so store writers wait, until closed. */
  abstract AutoCloseable holdWriteLock() throws Exception;

  /** Releases this test's database after its stores are closed. */
  void dropDatabase() {}

  private final List<ChainStore> opened = new ArrayList<>();
  ChainStore store;

  @BeforeEach
  void openStore() {
    store = track(open());
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

  // ---- round trip, head, sessions, ordering ----

  @Test
  void roundTripKeepsSealedAndBodyBytesExactly() {
    ChainBuilder b = new ChainBuilder(T, "s1", 1);
    byte[] everyByte = new byte[256];
    for (int i = 0; i < 256; i++) {
      everyByte[i] = (byte) i;
    }
    byte[] large = new byte[1 << 20];
    new Random(3).nextBytes(large);
    List<ChainRecord> written = new ArrayList<>(List.of(b.next(), b.frame(everyByte)));
    written.add(b.frame(new byte[0]));
    written.add(b.frame(new byte[] {0, (byte) 0xc3, 0x28, (byte) 0xff, 0, '\n'}));
    written.add(b.frame(large));
    written.add(b.event("TOOL_CALL_PROPOSED"));
    written.addAll(b.next(20));

    appendAll(store, written);

    assertSameRows(readAll(store, T, "s1"), written);
    assertThat(verify(store, T, "s1").valid()).isTrue();
  }

  @Test
  void headIsTheLastStoredEvent() {
    assertThat(store.head(T, "s1")).isEmpty();
    List<ChainRecord> rs = new ChainBuilder(T, "s1", 1).next(4);
    appendAll(store, rs);
    ChainRecord last = rs.get(3);
    assertThat(store.head(T, "s1")).contains(new ChainHead(3, last.hash(), last.tsUnixMs()));
    assertThat(store.head("other-tenant", "s1")).isEmpty();
  }

  @Test
  void sessionsSummariseEachChainInFirstEventOrder() {
    long t0 = ChainBuilder.T0;
    ChainBuilder a = new ChainBuilder(T, "a", 1, t0 + 100);
    List<ChainRecord> as = new ArrayList<>(a.next(2));
    as.add(a.event("TERMINATION"));
    List<ChainRecord> bs = new ChainBuilder(T, "b", 2, t0 + 200).next(2);
    List<ChainRecord> cs = new ChainBuilder("t2", "c", 3, t0).next(1);
    appendAll(store, as);
    appendAll(store, bs);
    appendAll(store, cs);

    assertThat(store.sessions(null))
        .containsExactly(
            new SessionSummary("t2", "c", 1, t0, t0, "SESSION_STARTED"),
            new SessionSummary(T, "a", 3, t0 + 100, as.get(2).tsUnixMs(), "TERMINATION"),
            new SessionSummary(T, "b", 2, t0 + 200, bs.get(1).tsUnixMs(), "MCP_FRAME"));
    List<SessionSummary> acme = store.sessions(T);
    assertThat(acme).extracting(SessionSummary::sessionId).containsExactly("a", "b");
    assertThat(acme).extracting(SessionSummary::status).containsExactly("terminated", "open");
    assertThat(store.sessions("nobody")).isEmpty();
  }

  @Test
  void readStreamsOnlyTheChainInSeqOrder() {
    ChainBuilder x = new ChainBuilder(T, "x", 1);
    ChainBuilder y = new ChainBuilder(T, "y", 2);
    ChainBuilder otherTenant = new ChainBuilder("t2", "x", 3);
    List<ChainRecord> xs = new ArrayList<>();
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ChainRecord r = x.next();
      xs.add(r);
      fs.add(store.append(r));
      fs.add(store.append(y.next()));
      fs.add(store.append(otherTenant.next()));
    }
    fs.forEach(CompletableFuture::join);

    assertSameRows(readAll(store, T, "x"), xs);
    assertThat(readAll(store, "t2", "x")).hasSize(30).allMatch(r -> r.tenantId().equals("t2"));
  }

  @Test
  void manySessionsAppendConcurrentlyFromSeveralThreads() throws Exception {
    int threads = 6;
    int sessionsPerThread = 5;
    int events = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<CompletableFuture<Void>>>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        work.add(pool.submit(() -> appendRoundRobin(thread, sessionsPerThread, events)));
      }
      for (Future<List<CompletableFuture<Void>>> w : work) {
        w.get().forEach(CompletableFuture::join);
      }
    } finally {
      pool.shutdownNow();
    }
    List<SessionSummary> all = store.sessions(T);
    assertThat(all).hasSize(threads * sessionsPerThread).allMatch(s -> s.events() == events);
    for (SessionSummary s : all) {
      VerifyResult v = verify(store, T, s.sessionId());
      assertThat(v.valid()).as(v.reason()).isTrue();
    }
  }

  private List<CompletableFuture<Void>> appendRoundRobin(int thread, int sessions, int events) {
    List<ChainBuilder> chains = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      chains.add(new ChainBuilder(T, "t" + thread + "-s" + s, thread * 100L + s));
    }
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      for (ChainBuilder c : chains) {
        fs.add(store.append(c.next()));
      }
    }
    return fs;
  }

  // ---- write-time integrity ----

  @Test
  void secondWriterOnTheSameChainFailsLoudlyAndNeverForks() {
    ChainBuilder a = new ChainBuilder(T, "s", 1);
    List<ChainRecord> chain = new ArrayList<>(a.next(5));
    appendAll(store, chain);
    ChainBuilder other = new ChainBuilder(T, "other", 2);
    appendAll(store, other.next(2));
    ChainStore second = track(open());

    ChainBuilder replay = new ChainBuilder(T, "s", 1);
    replay.next(3);
    ChainRecord forkedSeq3 = replay.fork(99).next();
    assertConflict(second.append(forkedSeq3), "acme/s seq 3");

    // The second writer continues the chain legitimately; the first, whose cached head is now
    // stale, then tries its own seq 5: refused, not forked.
    ChainBuilder firstWritersView = a.fork(7);
    ChainRecord seq5 = a.next();
    second.append(seq5).join();
    chain.add(seq5);
    assertConflict(store.append(firstWritersView.next()), "acme/s seq 5");

    assertSameRows(readAll(store, T, "s"), chain);
    assertThat(verify(store, T, "s").valid()).isTrue();
    store.append(other.next()).join();
    second.append(new ChainBuilder(T, "third", 3).next()).join();
    store.append(a.next()).join(); // the first writer re-reads the head and carries on
    assertThat(verify(store, T, "s").events()).isEqualTo(7);
  }

  @Test
  void appendsThatDoNotLinkOntoTheHeadAreConflicts() {
    ChainBuilder a = new ChainBuilder(T, "s", 1);
    appendAll(store, a.next(3));
    ChainBuilder stranger = new ChainBuilder(T, "s", 2);
    List<ChainRecord> strangers = stranger.next(4);

    assertConflict(store.append(strangers.get(3)), "prev_hash does not match");
    assertConflict(store.append(strangers.get(0)), "seq 0 is already stored");
    ChainBuilder ahead = a.fork(5);
    ahead.next();
    assertConflict(store.append(ahead.next()), "seq 4 would leave a gap");
    assertConflict(store.append(new ChainBuilder(T, "empty", 3).next(2).get(1)), "gap");

    assertThat(readAll(store, T, "s")).hasSize(3);
    assertThat(store.head(T, "empty")).isEmpty();
    store.append(a.next()).join();
    assertThat(verify(store, T, "s").events()).isEqualTo(4);
  }

  @Test
  void aConflictInAGroupCommitDoesNotHoldBackTheRestOfTheBatch() throws Exception {
    ChainBuilder x = new ChainBuilder(T, "x", 1);
    ChainBuilder y = new ChainBuilder(T, "y", 2);
    appendAll(store, x.next(2));
    ChainRecord gap = new ChainBuilder(T, "z", 3).next(2).get(1);
    List<CompletableFuture<Void>> good = new ArrayList<>();
    CompletableFuture<Void> bad;
    AutoCloseable lock = holdWriteLock();
    try {
      good.add(store.append(x.next())); // the writer may take this alone and wait for the lock
      good.add(store.append(x.next())); // the rest queue up behind it as one batch
      bad = store.append(gap);
      good.add(store.append(y.next()));
      good.add(store.append(x.next()));
      good.add(store.append(y.next()));
    } finally {
      lock.close();
    }
    good.forEach(CompletableFuture::join);
    assertConflict(bad, "acme/z seq 1");
    assertThat(verify(store, T, "x").events()).isEqualTo(5);
    assertThat(verify(store, T, "y").events()).isEqualTo(2);
    assertThat(store.head(T, "z")).isEmpty();
  }

  @Test
  void appendOnlyTriggersRejectUpdateAndDelete() throws SQLException {
    appendAll(store, new ChainBuilder(T, "s", 1).next(3));
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String sql :
          List.of(
              "UPDATE events SET event_type = 'TERMINATION' WHERE seq = 1",
              "DELETE FROM events WHERE seq = 2",
              "UPDATE bodies SET seq = 7 WHERE seq = 1",
              "DELETE FROM bodies")) {
        assertThatThrownBy(() -> s.executeUpdate(sql))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("append-only");
      }
    }
    VerifyResult v = verify(store, T, "s");
    assertThat(v.valid()).isTrue();
    assertThat(v.events()).isEqualTo(3);
  }

  // ---- durability, lifecycle, schema ----

  @Test
  void chainsAreDurableAcrossCloseAndReopen() {
    ChainBuilder a = new ChainBuilder(T, "s", 1);
    List<ChainRecord> rs = a.next(10);
    appendAll(store, rs);
    store.close();

    ChainStore again = track(open());
    assertSameRows(readAll(again, T, "s"), rs);
    assertThat(again.head(T, "s").orElseThrow().hash()).isEqualTo(rs.get(9).hash());
    ChainBuilder stale = a.fork(9);
    again.append(a.next()).join();
    assertConflict(again.append(stale.next()), "seq 10 is already stored");
  }

  @Test
  void closeWritesEverythingQueuedThenRefusesWork() {
    ChainBuilder a = new ChainBuilder(T, "s", 1);
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      fs.add(store.append(a.next()));
    }
    store.close();
    assertThat(fs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());

    assertThatThrownBy(() -> store.append(a.next()).join())
        .hasCauseInstanceOf(ChainStoreException.class)
        .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.STORE_CLOSED));
    assertThatThrownBy(() -> store.head(T, "s"))
        .isInstanceOfSatisfying(
            ChainStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.STORE_CLOSED));
    assertThat(verify(track(open()), T, "s").events()).isEqualTo(500);
  }

  @Test
  void sessionKeysAreFoundByDigestAndRebound() {
    SessionKeyStore keys = ChainStores.sessionKeys(store);
    String digest = "ab".repeat(32);
    assertThat(keys.find(T, "up", "mcp_session_id", digest)).isEmpty();
    keys.bind(T, "up", "mcp_session_id", digest, "s1");
    assertThat(keys.find(T, "up", "mcp_session_id", digest)).contains("s1");
    assertThat(keys.find(T, "up", "session_key", digest)).as("kinds are apart").isEmpty();
    assertThat(keys.find(T, "other", "mcp_session_id", digest)).as("upstreams").isEmpty();
    assertThat(keys.find("other", "up", "mcp_session_id", digest)).as("tenants").isEmpty();
    keys.bind(T, "up", "mcp_session_id", digest, "s2");
    assertThat(ChainStores.sessionKeys(track(open())).find(T, "up", "mcp_session_id", digest))
        .as("the last binding, seen by another store instance")
        .contains("s2");
  }

  @Test
  void migrationsAreRecordedOnceHoweverOftenTheStoreIsOpened() throws SQLException {
    track(open()).close();
    track(open());
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(Migrations.latest());
      assertThat(rs.getInt(2)).isEqualTo(Migrations.latest());
    }
  }

  @Test
  void refusesToOpenASchemaNewerThanThisBuild() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO schema_version (version, script, applied_unix_ms) VALUES (99, 'x', 0)");
    }
    assertThatThrownBy(this::open)
        .isInstanceOfSatisfying(
            ChainStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.STORE_CONFIG))
        .hasMessageContaining(
            "schema version 99 is newer than this Aegis build supports ("
                + Migrations.latest()
                + ")");
  }

  @Test
  void describeNamesTheStore() {
    assertThat(store.describe()).isNotBlank();
    assertThat(store.toString()).isEqualTo(store.describe());
  }

  // ---- tamper evidence: what the verifier finds in what a store returns ----

  /** A one-byte change to one stored column of one record, made behind the store's back. */
  enum Column {
    SEALED("hash mismatch"),
    HASH("hash mismatch"),
    PREV_HASH("column prev_hash disagrees"),
    EVENT_TYPE("column event_type disagrees"),
    TS_UNIX_MS("column ts_unix_ms disagrees"),
    USER_ID("column user_id disagrees"),
    BODY("frame body does not match its committed body_sha256");

    final String reason;

    Column(String reason) {
      this.reason = reason;
    }
  }

  @Test
  void anUntouchedChainVerifies() {
    List<ChainRecord> rs = tamperTarget();
    VerifyResult v = verify(store, T, "s");
    assertThat(v.valid()).isTrue();
    assertThat(v.events()).isEqualTo(10);
    assertThat(v.firstBadSeq()).isEqualTo(-1);
    assertThat(v.headHash()).isEqualTo(rs.get(9).hash());
  }

  @ParameterizedTest
  @EnumSource(Column.class)
  void changingOneByteOfAnyColumnIsDetectedAtThatRecord(Column column) throws SQLException {
    tamperTarget();
    try (Connection c = connect()) {
      disableAppendOnly(c.createStatement());
      switch (column) {
        case SEALED -> Tamper.flipByte(c, "events", "sealed", 6);
        case BODY -> Tamper.flipByte(c, "bodies", "body", 6);
        case HASH, PREV_HASH, EVENT_TYPE, USER_ID -> Tamper.bumpLastChar(c, column.name(), 6);
        case TS_UNIX_MS -> Tamper.update(c, "UPDATE events SET ts_unix_ms = ts_unix_ms + 1", 6);
      }
    }
    VerifyResult v = verify(store, T, "s");
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBadSeq()).isEqualTo(6);
    assertThat(v.reason()).contains(column.reason);
  }

  @Test
  void aRemovedBodyIsDetected() throws SQLException {
    tamperTarget();
    try (Connection c = connect()) {
      disableAppendOnly(c.createStatement());
      Tamper.update(c, "DELETE FROM bodies", 4);
    }
    assertInvalidAt(4, "frame body missing");
  }

  @Test
  void deletingARecordIsDetectedAtItsSeq() throws SQLException {
    tamperTarget();
    try (Connection c = connect()) {
      disableAppendOnly(c.createStatement());
      Tamper.deleteRow(c, 4);
    }
    assertInvalidAt(4, "gap: seq 4 is missing");
  }

  @Test
  void truncationIsVisibleOnlyAgainstARememberedHead() throws SQLException {
    List<ChainRecord> rs = tamperTarget();
    try (Connection c = connect()) {
      disableAppendOnly(c.createStatement());
      Tamper.deleteRow(c, 9);
    }
    // What remains is a valid, shorter chain: the hash chain alone cannot tell it from a chain
    // that ended at seq 8. Only a head remembered elsewhere (a signed checkpoint) reveals it.
    VerifyResult v = verify(store, T, "s");
    assertThat(v.valid()).isTrue();
    assertThat(v.events()).isEqualTo(9);
    assertThat(v.headHash()).isEqualTo(rs.get(8).hash()).isNotEqualTo(rs.get(9).hash());
  }

  @Test
  void aForgedRecordInsertedIntoTheChainIsDetected() throws SQLException {
    tamperTarget();
    ChainBuilder forger = new ChainBuilder(T, "s", 1);
    forger.next(4);
    ChainRecord forged = forger.fork(666).next(); // a well-formed, well-linked seq 4
    try (Connection c = connect()) {
      disableAppendOnly(c.createStatement());
      Tamper.shiftSeqs(c, 4, 1);
      try (PreparedStatement ps = c.prepareStatement(ChainSql.INSERT_EVENT);
          PreparedStatement pb = c.prepareStatement(ChainSql.INSERT_BODY)) {
        ChainSql.bindEvent(ps, forged);
        ps.executeUpdate();
        ChainSql.bindBody(pb, forged);
        pb.executeUpdate();
      }
    }
    // The forgery itself links; the first record it displaced no longer matches its position.
    assertInvalidAt(5, "column seq disagrees");
  }

  @Test
  void swappingTwoRecordsIsDetected() throws SQLException {
    tamperTarget();
    try (Connection c = connect()) {
      disableAppendOnly(c.createStatement());
      Tamper.moveSeq(c, 3, 1_000_000);
      Tamper.moveSeq(c, 7, 3);
      Tamper.moveSeq(c, 1_000_000, 7);
    }
    assertInvalidAt(3, "column seq disagrees");
  }

  /** Chain acme/s of ten events; every event after seq 0 has a body. */
  private List<ChainRecord> tamperTarget() {
    List<ChainRecord> rs = new ChainBuilder(T, "s", 1).next(10);
    appendAll(store, rs);
    appendAll(store, new ChainBuilder(T, "bystander", 2).next(3));
    return rs;
  }

  private void assertInvalidAt(long seq, String reason) {
    VerifyResult v = verify(store, T, "s");
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBadSeq()).isEqualTo(seq);
    assertThat(v.reason()).contains(reason);
    assertThat(verify(store, T, "bystander").valid()).isTrue();
  }

  // ---- helpers ----

  static void appendAll(ChainStore s, List<ChainRecord> records) {
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    records.forEach(r -> fs.add(s.append(r)));
    fs.forEach(CompletableFuture::join);
  }

  static List<ChainRecord> readAll(ChainStore s, String tenant, String session) {
    List<ChainRecord> out = new ArrayList<>();
    s.read(tenant, session, out::add);
    return out;
  }

  static VerifyResult verify(ChainStore s, String tenant, String session) {
    ChainVerifier v = new ChainVerifier(tenant, session);
    s.read(tenant, session, v::accept);
    return v.result();
  }

  static void assertConflict(CompletableFuture<Void> f, String messagePart) {
    assertThatThrownBy(f::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ChainStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHAIN_CONFLICT))
        .hasMessageContaining(messagePart);
  }

  static Reason reason(Throwable completion) {
    return ((ChainStoreException) completion.getCause()).reason();
  }

  static void assertSameRows(List<ChainRecord> actual, List<ChainRecord> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      ChainRecord a = actual.get(i);
      ChainRecord e = expected.get(i);
      assertThat(a).usingRecursiveComparison().ignoringFields("sealed", "body").isEqualTo(e);
      assertThat(Arrays.equals(a.sealed(), e.sealed())).as("sealed bytes of %s", e).isTrue();
      assertThat(Arrays.equals(a.body(), e.body())).as("body bytes of %s", e).isTrue();
    }
  }

  // ---- approvals (the table beside the chain) ----

  private static dev.aegis.core.approval.ApprovalRecord request(String token, long expires) {
    return dev.aegis.core.approval.ApprovalRecord.pending(
        token,
        "acme",
        "s1",
        "7",
        "deploy",
        dev.aegis.core.json.Json.object().put("env", "prod"),
        "ab".repeat(32),
        3,
        1_000,
        expires);
  }

  @Test
  void approvalsAreDecidedOnceAndConsumedOnce() {
    try (ChainStore store = open()) {
      dev.aegis.core.approval.ApprovalStore a = ChainStores.approvals(store);
      a.create(request("t1", 10_000));
      assertThat(a.find("t1"))
          .get()
          .satisfies(r -> assertThat(r.args().path("env").asText()).isEqualTo("prod"));
      assertThat(a.consume("t1", 2_000)).as("pending is not consumable").isFalse();
      var edited = dev.aegis.core.json.Json.object().put("env", "staging");
      var d = a.decide("t1", true, edited, "alice", "ok", 2_000);
      assertThat(d.outcome()).isEqualTo(dev.aegis.core.approval.ApprovalStore.Outcome.DECIDED);
      assertThat(d.record().finalArgs().path("env").asText()).isEqualTo("staging");
      assertThat(d.record().decidedBy()).isEqualTo("alice");
      assertThat(a.decide("t1", false, null, "bob", null, 2_001).outcome())
          .isEqualTo(dev.aegis.core.approval.ApprovalStore.Outcome.ALREADY_DECIDED);
      assertThat(a.consume("t1", 3_000)).isTrue();
      assertThat(a.consume("t1", 3_001)).as("single use").isFalse();
      assertThat(a.find("t1").orElseThrow().usedUnixMs()).isEqualTo(3_000);
    }
  }

  @Test
  void expiredOrUnknownApprovalsCannotBeDecidedAndPendingListsSkipThem() {
    try (ChainStore store = open()) {
      dev.aegis.core.approval.ApprovalStore a = ChainStores.approvals(store);
      a.create(request("old", 5_000));
      a.create(request("new", 50_000));
      assertThat(a.decide("old", true, null, "x", null, 6_000).outcome())
          .isEqualTo(dev.aegis.core.approval.ApprovalStore.Outcome.EXPIRED);
      assertThat(a.decide("nope", true, null, "x", null, 6_000).outcome())
          .isEqualTo(dev.aegis.core.approval.ApprovalStore.Outcome.NOT_FOUND);
      assertThat(a.list("acme", true, 6_000, 10))
          .extracting(dev.aegis.core.approval.ApprovalRecord::token)
          .containsExactly("new");
      assertThat(a.list(null, false, 6_000, 10)).hasSize(2);
      assertThat(a.list("other", false, 6_000, 10)).isEmpty();
    }
    try (ChainStore reopened = open()) {
      assertThat(ChainStores.approvals(reopened).find("new")).as("persisted").isPresent();
    }
  }

  @Test
  void concurrentDecidersRaceSafely() throws Exception {
    try (ChainStore s1 = open();
        ChainStore s2 = open()) {
      ChainStores.approvals(s1).create(request("race", 1_000_000));
      var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var f1 =
            pool.submit(
                () -> ChainStores.approvals(s1).decide("race", true, null, "a", null, 2_000));
        var f2 =
            pool.submit(
                () -> ChainStores.approvals(s2).decide("race", false, null, "b", null, 2_000));
        assertThat(List.of(f1.get().outcome(), f2.get().outcome()))
            .containsExactlyInAnyOrder(
                dev.aegis.core.approval.ApprovalStore.Outcome.DECIDED,
                dev.aegis.core.approval.ApprovalStore.Outcome.ALREADY_DECIDED);
      } finally {
        pool.shutdown();
      }
    }
  }
}
