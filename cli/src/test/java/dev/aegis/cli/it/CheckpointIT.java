package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.testsupport.NodePeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed checkpoints and redaction end to end: sessions through bin/aegis-proxy (with a key made by
 * aegisctl manifest keygen) wrapping the real server-everything, then tampered with by SQL as
 * someone with the database file would, and checked with bin/aegisctl verify --pubkey.
 */
class CheckpointIT {
  @TempDir Path dir;
  private String store;
  private Path db;
  private Path key;
  private Path pub;

  @BeforeEach
  void keys() throws Exception {
    db = dir.resolve("chain.db");
    store = "sqlite:" + db;
    try (ProxyProcess k = ctl("manifest", "keygen", "--out", dir.resolve("ckpt").toString())) {
      assertThat(k.process.exitValue()).as(k.stderr()).isZero();
    }
    key = dir.resolve("ckpt.key");
    pub = dir.resolve("ckpt.pub");
  }

  /** One session of four echo calls, checkpointed every 5 events; returns the proxy's stderr. */
  private String runSession(String session, Path signingKey) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                store,
                "--session",
                session,
                "--checkpoint-every",
                "5",
                "--manifest",
                ProxyProcess.ROOT.resolve("examples/manifests/server-everything.json").toString()));
    if (signingKey != null) {
      args.addAll(List.of("--checkpoint-key", signingKey.toString()));
    }
    args.add("--");
    args.addAll(NodePeers.everythingServer());
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      p.send(
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}");
      awaitOutput(p, "\"protocolVersion\"");
      p.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      for (int i = 1; i <= 4; i++) {
        p.send(
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + i
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
                + "{\"message\":\"secret-"
                + i
                + "\"}}}");
        awaitOutput(p, "secret-" + i);
      }
      p.closeStdin();
      assertThat(p.waitFor(60)).as(p.stderr()).isZero();
      return p.stderr();
    }
  }

  /** Waits (at most a minute) until the proxy has written {@code text} to the client. */
  private static void awaitOutput(ProxyProcess p, String text) throws InterruptedException {
    for (int i = 0; i < 600 && !p.stdout().contains(text); i++) {
      Thread.sleep(100);
    }
    assertThat(p.stdout()).as(p.stderr()).contains(text);
  }

  private static ProxyProcess ctl(String... args) throws Exception {
    ProxyProcess p = ProxyProcess.start("aegisctl", List.of(args));
    p.waitFor(60);
    return p;
  }

  private ProxyProcess verify(String session, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("verify", "--store", store, "--session", session, "--pubkey"));
    args.add(pub.toString());
    args.addAll(List.of(more));
    return ctl(args.toArray(String[]::new));
  }

  private void sql(String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (String t : statements) {
        s.execute(t);
      }
    }
  }

  private static final String[] ATTACKER =
      new String[] {
        "DROP TRIGGER IF EXISTS events_no_delete",
        "DROP TRIGGER IF EXISTS bodies_delete_only_redacted",
        "DROP TRIGGER IF EXISTS checkpoints_no_delete"
      };

  private void attack(String... statements) throws Exception {
    List<String> all = new ArrayList<>(List.of(ATTACKER));
    all.addAll(List.of(statements));
    sql(all.toArray(String[]::new));
  }

  private long lastSeq(String session) {
    List<Chains.Event> events = Chains.read(store, "default", session);
    return events.get(events.size() - 1).record().seq();
  }

  @Test
  void aSignedSessionVerifiesRedactsExportsAndCatchesTruncation() throws Exception {
    runSession("a", key);
    List<Chains.Event> events = Chains.read(store, "default", "a");
    assertThat(events).filteredOn(e -> e.type().equals("CHECKPOINT_CREATED")).isNotEmpty();
    assertThat(events.get(events.size() - 1).payload().path("checkpoint").asBoolean()).isTrue();
    try (ProxyProcess v = verify("a")) {
      assertThat(v.process.exitValue()).as(v.stdout() + v.stderr()).isZero();
      assertThat(v.stdout()).startsWith("valid    default/a").contains("checkpoints=");
    }

    // (d) redaction: the body of the first echo call goes, the chain still verifies.
    long secretSeq =
        events.stream()
            .filter(e -> e.type().equals("MCP_FRAME") && "tools/call".equals(e.field("method")))
            .findFirst()
            .orElseThrow()
            .record()
            .seq();
    try (ProxyProcess r =
        ctl(
            "redact",
            "--store",
            store,
            "--session",
            "a",
            "--seq",
            "" + secretSeq,
            "--reason",
            "test")) {
      assertThat(r.process.exitValue()).as(r.stderr()).isZero();
    }
    try (ProxyProcess v = verify("a")) {
      assertThat(v.process.exitValue()).as(v.stdout()).isZero();
      assertThat(v.stdout()).contains("redacted=" + secretSeq);
    }
    Path export = dir.resolve("a.ndjson");
    try (ProxyProcess e = ctl("export", "--store", store, "--session", "a", "--out", "" + export)) {
      assertThat(e.process.exitValue()).as(e.stderr()).isZero();
    }
    String exported = Files.readString(export);
    String line =
        exported
            .lines()
            .filter(l -> l.contains("\"seq\":" + secretSeq + ","))
            .findFirst()
            .orElseThrow();
    assertThat(line).endsWith(",\"redacted\":true}").doesNotContain("\"body\"");
    Path witness = dir.resolve("witness.txt");
    try (ProxyProcess e =
        ctl("checkpoint", "export", "--store", store, "--session", "a", "--out", "" + witness)) {
      assertThat(e.process.exitValue()).as(e.stderr()).isZero();
    }
    assertThat(Files.readString(witness, StandardCharsets.UTF_8))
        .startsWith("aegis-checkpoint/v1\ntenant default\nsession a\n")
        .contains("\n\u2014 ");
    try (ProxyProcess v =
        ctl("verify", "--file", "" + export, "--pubkey", "" + pub, "--checkpoints", "" + witness)) {
      assertThat(v.process.exitValue()).as(v.stdout() + v.stderr()).isZero();
      assertThat(v.stdout()).contains("redacted=" + secretSeq);
    }

    // (a) the tail is cut, events and bodies: the checkpoints table catches it.
    long last = lastSeq("a");
    attack(
        "DELETE FROM bodies WHERE session_id = 'a' AND seq > " + (last - 4),
        "DELETE FROM events WHERE session_id = 'a' AND seq > " + (last - 4));
    try (ProxyProcess v = verify("a")) {
      assertThat(v.process.exitValue()).isEqualTo(1);
      assertThat(v.stdout()).contains("TRUNCATED at seq " + last);
    }
    // ... and the checkpoints too: the witness's copy still catches it.
    attack("DELETE FROM checkpoints WHERE session_id = 'a' AND seq > " + (last - 4));
    try (ProxyProcess v = verify("a")) {
      assertThat(v.process.exitValue()).as("the cut store agrees with itself").isZero();
    }
    try (ProxyProcess v = verify("a", "--checkpoints", "" + witness)) {
      assertThat(v.process.exitValue()).isEqualTo(1);
      assertThat(v.stdout()).contains("TRUNCATED at seq " + last);
    }
  }

  @Test
  void aChainRewrittenFromGenesisIsExposedByTheSignatures() throws Exception {
    runSession("b", key);
    Path witness = dir.resolve("b.txt");
    try (ProxyProcess e =
        ctl("checkpoint", "export", "--store", store, "--session", "b", "--out", "" + witness)) {
      assertThat(e.process.exitValue()).isZero();
    }
    // The attacker removes everything of b and runs a fresh session with the same ids, signing
    // with a key of their own.
    attack(
        "DELETE FROM bodies WHERE session_id = 'b'",
        "DELETE FROM events WHERE session_id = 'b'",
        "DELETE FROM checkpoints WHERE session_id = 'b'");
    Path mallory;
    try (ProxyProcess k = ctl("manifest", "keygen", "--out", dir.resolve("mallory").toString())) {
      assertThat(k.process.exitValue()).isZero();
      mallory = dir.resolve("mallory.key");
    }
    runSession("b", mallory);
    try (ProxyProcess v = ctl("verify", "--store", store, "--session", "b")) {
      assertThat(v.process.exitValue()).as("without the key it looks fine").isZero();
    }
    try (ProxyProcess v = verify("b")) {
      assertThat(v.process.exitValue()).isEqualTo(1);
      assertThat(v.stdout()).contains("OTHER_KEY").contains("UNANCHORED");
    }
    try (ProxyProcess v = verify("b", "--checkpoints", "" + witness)) {
      assertThat(v.process.exitValue()).isEqualTo(1);
      assertThat(v.stdout()).contains("REWRITTEN");
    }
  }

  @Test
  void aDroppedCheckpointIsMissingAndAnUnsignedRunIsToldOnce() throws Exception {
    String stderr = runSession("c", null);
    assertThat(stderr.split("no --checkpoint-key", -1)).hasSize(2);
    runSession("c2", key);
    List<Chains.Event> created = Chains.ofType(store, "c2", "CHECKPOINT_CREATED");
    long dropped = created.get(0).record().seq();
    attack("DELETE FROM checkpoints WHERE session_id = 'c2' AND seq = " + dropped);
    try (ProxyProcess v = verify("c2")) {
      assertThat(v.process.exitValue()).isEqualTo(1);
      assertThat(v.stdout()).contains("MISSING at seq " + dropped);
    }
    try (ProxyProcess v = verify("c")) {
      assertThat(v.process.exitValue()).isEqualTo(1);
      assertThat(v.stdout()).contains("UNSIGNED").contains("UNANCHORED");
    }
  }
}
