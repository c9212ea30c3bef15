package dev.aegis.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.checkpoint.Checkpoint;
import dev.aegis.core.checkpoint.CheckpointSigner;
import dev.aegis.core.checkpoint.CheckpointStore;
import dev.aegis.core.checkpoint.CheckpointVerifier;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.Hex;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Verify speed on a synthetic chain (issue 5; reported, never asserted). Two figures, both on one
 * thread and measured in that thread's CPU time (events per CPU-second = per core, independent of
 * other load on the machine): {@code cpu}, ChainVerifier alone over records already in memory
 * (built in chunks, only verification timed), and {@code store}, what aegisctl verify does after
 * start-up: stream the chain from a SQLite store and check every record and every signed
 * checkpoint.
 *
 * <p>{@code --chain FILE} instead measures a recorded chain (a SQLite store written by {@code
 * aegis-proxy}, e.g. the one {@code ReplayBench --keep} leaves): every session of tenant {@code
 * --tenant} (default {@code default}) is streamed and checked by ChainVerifier, timed the same way.
 *
 * <pre>java -cp 'bench/target/lib/*' dev.aegis.bench.VerifySpeed [--events N] [--body-bytes B]
 *     [--store-events N] [--checkpoint-every N] [--keep DIR] | [--chain FILE [--tenant T]]</pre>
 */
public final class VerifySpeed {
  private static final int CHUNK = 20_000;
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private final long events;
  private final int bodyBytes;
  private final long storeEvents;
  private final int checkpointEvery;
  private final Path keep;

  private VerifySpeed(Map<String, String> flags) {
    events = Long.parseLong(flags.getOrDefault("--events", "1000000"));
    bodyBytes = Integer.parseInt(flags.getOrDefault("--body-bytes", "200"));
    storeEvents = Long.parseLong(flags.getOrDefault("--store-events", "1000000"));
    checkpointEvery = Integer.parseInt(flags.getOrDefault("--checkpoint-every", "1000"));
    keep = flags.containsKey("--keep") ? Path.of(flags.get("--keep")) : null;
  }

  /** Runs both measurements and prints the figures; exit 1 if a synthetic chain fails. */
  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      flags.put(args[i], args[i + 1]);
    }
    System.out.println(SystemInfo.commandLine(VerifySpeed.class.getName(), args));
    SystemInfo.describe().forEach((k, v) -> System.out.println(k + ": " + v));
    VerifySpeed b = new VerifySpeed(flags);
    if (flags.containsKey("--chain")) {
      recorded(Path.of(flags.get("--chain")), flags.getOrDefault("--tenant", "default"));
      return;
    }
    b.cpu(Math.min(200_000, b.events)); // warm-up, not reported
    double cpu = b.cpu(b.events);
    System.out.printf(
        "cpu:   %,d events verified in memory: %,.0f events/s per core%n", b.events, cpu);
    double store = b.store();
    System.out.printf(
        "store: %,d events streamed from SQLite and verified with signed checkpoints every %d:"
            + " %,.0f events/s per core%n",
        b.storeEvents, b.checkpointEvery, store);
  }

  /** Synthetic events: mostly MCP_FRAME with a body, every 5th a TOOL_CALL_PROPOSED without. */
  private static final class Synthetic {
    private final Random random = new Random(42);
    private final int bodyBytes;
    private long seq;
    private String prev;

    Synthetic(int bodyBytes) {
      this.bodyBytes = bodyBytes;
    }

    ChainRecord next() {
      ObjectNode p = Json.object();
      byte[] body = null;
      String type;
      if (seq % 5 == 4) {
        type = "TOOL_CALL_PROPOSED";
        p.put("tool_name", "read_file").put("call_id", "c" + seq).put("frame_seq", seq - 1);
        p.putObject("args").put("path", "/srv/data/file-" + random.nextInt(1000) + ".txt");
      } else {
        type = "MCP_FRAME";
        body = new byte[bodyBytes];
        for (int i = 0; i < body.length; i++) {
          body[i] = (byte) ('a' + random.nextInt(26));
        }
        p.put("direction", seq % 2 == 0 ? "client_to_server" : "server_to_client")
            .put("kind", "request")
            .put("method", "tools/call")
            .put("id", Long.toString(seq))
            .put("origin", "client")
            .put("body_sha256", Hex.sha256(body))
            .put("body_len", body.length);
      }
      Envelope e =
          new Envelope("bench", "", "verify", seq, 1_700_000_000_000L + seq, type, p, prev);
      EnvelopeHasher.Sealed s = EnvelopeHasher.seal(e);
      seq++;
      prev = s.hash();
      return ChainRecord.of(s, body);
    }
  }

  private double cpu(long n) {
    Synthetic chain = new Synthetic(bodyBytes);
    ChainVerifier v = new ChainVerifier("bench", "verify");
    long nanos = 0;
    List<ChainRecord> chunk = new ArrayList<>(CHUNK);
    for (long done = 0; done < n; ) {
      chunk.clear();
      for (int i = 0; i < CHUNK && done < n; i++, done++) {
        chunk.add(chain.next());
      }
      long t0 = CPU.getCurrentThreadCpuTime();
      for (ChainRecord r : chunk) {
        v.accept(r);
      }
      nanos += CPU.getCurrentThreadCpuTime() - t0;
    }
    check(v.result());
    return n / (nanos / 1e9);
  }

  private double store() throws Exception {
    Path dir = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("verify");
    Path file = dir.resolve("verify-bench.db");
    Files.deleteIfExists(file);
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    CheckpointSigner signer = new CheckpointSigner(keys.getPrivate(), keys.getPublic());
    try (ChainStore store = ChainStores.open("sqlite:" + file, Durability.NORMAL)) {
      CheckpointStore checkpoints = ChainStores.checkpoints(store);
      Synthetic chain = new Synthetic(bodyBytes);
      CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
      for (long i = 0; i < storeEvents; i++) {
        ChainRecord r = chain.next();
        last = store.append(r);
        if ((i + 1) % checkpointEvery == 0 || i + 1 == storeEvents) {
          last.join();
          checkpoints.put(
              signer.sign(Checkpoint.unsigned("bench", "verify", r.seq(), r.hash(), r.tsUnixMs())));
        }
      }
      last.join();
      long t0 = CPU.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      ChainVerifier v = new ChainVerifier("bench", "verify");
      CheckpointVerifier c =
          new CheckpointVerifier(checkpoints.list("bench", "verify"), keys.getPublic(), true);
      store.read(
          "bench",
          "verify",
          r -> {
            v.accept(r);
            c.accept(r);
          });
      List<?> problems = c.problems();
      long nanos = CPU.getCurrentThreadCpuTime() - t0;
      System.out.printf(
          "store: wall time %.1f s (includes SQLite reads on this thread and waiting for the CPU)%n",
          (System.nanoTime() - wall0) / 1e9);
      check(v.result());
      if (!problems.isEmpty()) {
        throw new IllegalStateException("checkpoints: " + problems);
      }
      return storeEvents / (nanos / 1e9);
    } finally {
      if (keep == null) {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir.resolve("verify-bench.db-wal"));
        Files.deleteIfExists(dir.resolve("verify-bench.db-shm"));
        Files.deleteIfExists(dir);
      }
    }
  }

  /**
   * Verifies every session of a recorded store, in this thread's CPU time: streamed from SQLite
   * (what aegisctl verify does), then again over the records already read into memory (the verifier
   * alone). Each is run twice; the first run warms the JIT up.
   */
  private static void recorded(Path file, String tenant) throws Exception {
    try (ChainStore store = ChainStores.open("sqlite:" + file, Durability.NORMAL)) {
      List<SessionSummary> sessions = store.sessions(tenant);
      for (int round = 0; round < 2; round++) {
        long events = 0;
        long t0 = CPU.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (SessionSummary s : sessions) {
          ChainVerifier v = new ChainVerifier(tenant, s.sessionId());
          store.read(tenant, s.sessionId(), v::accept);
          check(v.result());
          events += v.result().events();
        }
        report(round == 0 ? "store (warm-up)" : "store", events, t0, wall0);
      }
      for (SessionSummary s : sessions) {
        List<ChainRecord> records = new ArrayList<>();
        store.read(tenant, s.sessionId(), records::add);
        for (int round = 0; round < 2; round++) {
          long t0 = CPU.getCurrentThreadCpuTime();
          long wall0 = System.nanoTime();
          ChainVerifier v = new ChainVerifier(tenant, s.sessionId());
          records.forEach(v::accept);
          check(v.result());
          report(round == 0 ? "memory (warm-up)" : "memory", records.size(), t0, wall0);
        }
      }
    }
  }

  private static void report(String what, long events, long cpu0, long wall0) {
    double cpu = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9;
    System.out.printf(
        "recorded, %s: %,d events verified: %,.0f events/s per core (CPU %.2f s, wall %.2f s)%n",
        what, events, events / cpu, cpu, (System.nanoTime() - wall0) / 1e9);
  }

  private static void check(VerifyResult r) {
    if (!r.valid()) {
      System.err.println("synthetic chain invalid at " + r.firstBadSeq() + ": " + r.reason());
      System.exit(1);
    }
  }
}
