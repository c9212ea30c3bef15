package dev.aegis.core.approval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * Persisted approval requests, shared by every proxy and {@code aegisctl} process using the same
 * store, so that an operator in another process can decide a held call and a token survives a proxy
 * restart. Implementations live with the chain stores.
 *
 * <p>Threading: every method may be called from any thread and blocks on I/O; callers on an event
 * loop must hop off it first. Failures throw {@link dev.aegis.core.chain.ChainStoreException}.
 */
public interface ApprovalStore {

  /** Stores a new pending request. */
  void create(ApprovalRecord request);

  /** The request with this token, if any. */
  Optional<ApprovalRecord> find(String token);

  /**
   * Decides a pending, unexpired request: approve (optionally with edited arguments) or deny.
   * Atomic: of two concurrent deciders exactly one succeeds.
   *
   * @return what happened; {@link Decided#record()} is the stored state after the call
   */
  Decided decide(
      String token,
      boolean approve,
      JsonNode editedArgs,
      String decidedBy,
      String message,
      long nowUnixMs);

  /**
   * Marks an approved, unexpired, unused token used. Atomic: a token lets exactly one call through.
   *
   * @return true if this call consumed it
   */
  boolean consume(String token, long nowUnixMs);

  /**
   * Requests of a tenant (null for all), newest first; {@code pendingOnly} keeps those still
   * pending and unexpired at {@code nowUnixMs}.
   */
  List<ApprovalRecord> list(String tenantId, boolean pendingOnly, long nowUnixMs, int limit);

  /** The outcome of {@link #decide}. */
  enum Outcome {
    DECIDED,
    NOT_FOUND,
    ALREADY_DECIDED,
    EXPIRED
  }

  /** An outcome and the record as stored afterwards (null when not found). */
  record Decided(Outcome outcome, ApprovalRecord record) {}
}
