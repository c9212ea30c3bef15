package dev.aegis.core.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.checkpoint.CheckpointProblem.Kind;
import dev.aegis.core.event.EnvelopeHasher;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks one chain against its checkpoints (from the store's table or a witness's exported file):
 * truncation, rewrites, checkpoints the chain announces but the source lacks, and, given a public
 * key, every signature. Feed the chain's records in stored order with {@link #accept}, then ask
 * {@link #problems}. Not thread-safe.
 */
public final class CheckpointVerifier {
  private final List<Checkpoint> checkpoints;
  private final PublicKey key;
  private final boolean completeSource;
  private final Map<Long, String> hashAt = new HashMap<>();
  private final TreeSet<Long> announced = new TreeSet<>();
  private long lastSeq = -1;

  /**
   * A verifier for a chain's {@code checkpoints} (any order). {@code key} null skips signature
   * checks. {@code completeSource}: the source should hold every checkpoint (the store's table);
   * false for a witness copy, which may end before the chain does: then only checkpoints the chain
   * announces up to the copy's last one are expected.
   */
  public CheckpointVerifier(List<Checkpoint> checkpoints, PublicKey key, boolean completeSource) {
    this.checkpoints = List.copyOf(requireNonNull(checkpoints, "checkpoints"));
    this.key = key;
    this.completeSource = completeSource;
    for (Checkpoint c : this.checkpoints) {
      hashAt.put(c.seq(), null);
    }
  }

  /** Notes one record of the chain. */
  public void accept(ChainRecord r) {
    lastSeq = r.seq();
    if (hashAt.containsKey(r.seq())) {
      hashAt.put(r.seq(), r.hash());
    }
    if ("CHECKPOINT_CREATED".equals(r.eventType())) {
      announced.add(r.seq());
    } else if ("TERMINATION".equals(r.eventType()) && terminationCheckpointed(r)) {
      announced.add(r.seq());
    }
  }

  private static boolean terminationCheckpointed(ChainRecord r) {
    try {
      return EnvelopeHasher.parse(r.sealed()).payload().path("checkpoint").asBoolean(false);
    } catch (IllegalArgumentException unreadable) {
      return false; // the chain verifier reports unreadable records
    }
  }

  /**
   * Every problem found, by seq; empty when the chain agrees with every checkpoint. With a key, the
   * chain must also agree with at least one checkpoint validly signed by it (else UNANCHORED).
   */
  public List<CheckpointProblem> problems() {
    TreeMap<Long, List<CheckpointProblem>> bySeq = new TreeMap<>();
    boolean anchored = false;
    for (Checkpoint c : checkpoints) {
      String chainHash = hashAt.get(c.seq());
      boolean agrees = c.headHash().equals(chainHash);
      if (c.seq() > lastSeq) {
        add(
            bySeq,
            Kind.TRUNCATED,
            c.seq(),
            lastSeq < 0
                ? "the chain has no events, but a checkpoint covers it up to seq " + c.seq()
                : "the chain ends at seq " + lastSeq + ", before this checkpoint");
      } else if (!agrees) {
        add(
            bySeq,
            Kind.REWRITTEN,
            c.seq(),
            "the chain's hash " + chainHash + " is not the checkpointed " + c.headHash());
      }
      if (key != null) {
        String problem = signatureProblem(c);
        if (problem == null) {
          anchored |= agrees;
        } else {
          add(bySeq, kindOf(c), c.seq(), problem);
        }
      }
    }
    long lastCheckpoint = checkpoints.stream().mapToLong(Checkpoint::seq).max().orElse(-1);
    for (long seq : announced) {
      if (!completeSource && seq > lastCheckpoint) {
        break;
      }
      if (!hashAt.containsKey(seq)) {
        add(bySeq, Kind.MISSING, seq, "the chain records a checkpoint here; the source has none");
      }
    }
    if (key != null && !anchored) {
      add(
          bySeq,
          Kind.UNANCHORED,
          lastSeq,
          "no checkpoint of this chain is signed by key " + CheckpointSigner.keyId(key));
    }
    List<CheckpointProblem> out = new ArrayList<>();
    bySeq.values().forEach(out::addAll);
    return out;
  }

  private Kind kindOf(Checkpoint c) {
    if (!c.signed()) {
      return Kind.UNSIGNED;
    }
    return CheckpointSigner.keyId(key).equals(c.keyId()) ? Kind.BAD_SIGNATURE : Kind.OTHER_KEY;
  }

  private String signatureProblem(Checkpoint c) {
    if (!c.signed()) {
      return "the checkpoint is unsigned";
    }
    if (!CheckpointSigner.keyId(key).equals(c.keyId())) {
      return "signed by key " + c.keyId() + ", not " + CheckpointSigner.keyId(key);
    }
    return CheckpointSigner.verifies(c, key)
        ? null
        : "the signature does not match the checkpoint's statement";
  }

  private static void add(
      TreeMap<Long, List<CheckpointProblem>> bySeq, Kind kind, long seq, String detail) {
    bySeq
        .computeIfAbsent(seq, s -> new ArrayList<>())
        .add(new CheckpointProblem(kind, seq, detail));
  }

  /** How many checkpoints were checked. */
  public int checked() {
    return checkpoints.size();
  }
}
