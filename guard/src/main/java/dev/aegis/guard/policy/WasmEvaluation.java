package dev.aegis.guard.policy;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;

/**
 * One decision on an engine thread: borrows an instance, evaluates, reads the result set. Its
 * deadline may {@link #expire} it at any time: the decision becomes a POLICY_ERROR deny and a
 * running evaluation is interrupted (Chicory checks the interrupt flag at calls and loop edges) and
 * its instance discarded.
 */
final class WasmEvaluation implements Runnable {
  private static final System.Logger LOG = System.getLogger(WasmEvaluation.class.getName());

  private final JsonNode input;
  private final CompletableFuture<Decision> result;
  private final WasmInstances instances;
  private final String entrypoint;
  private Thread runner; // guarded by this: the thread to interrupt on expiry, while running

  WasmEvaluation(
      JsonNode input,
      CompletableFuture<Decision> result,
      WasmInstances instances,
      String entrypoint) {
    this.input = input;
    this.result = result;
    this.instances = instances;
    this.entrypoint = entrypoint;
  }

  @Override
  public void run() {
    synchronized (this) {
      if (result.isDone()) {
        return; // expired while queued
      }
      runner = Thread.currentThread();
    }
    try {
      result.complete(evaluate());
    } finally {
      synchronized (this) {
        runner = null;
        // An expiry that raced with the end of the evaluation must not hit the next one.
        Thread.interrupted();
      }
    }
  }

  /** Fails the decision closed with {@code why}, logged, unless it is already decided. */
  boolean fail(String why) {
    if (!failQuietly()) {
      return false;
    }
    LOG.log(Level.WARNING, "policy decision failed closed (POLICY_ERROR): {0}", why);
    return true;
  }

  /** Fails the decision closed unless it is already decided; the caller logs in bulk. */
  boolean failQuietly() {
    return result.complete(Decision.policyError());
  }

  /** The deadline passed: fails the decision closed and interrupts a running evaluation. */
  void expire() {
    if (fail("deadline exceeded")) {
      synchronized (this) {
        if (runner != null) {
          runner.interrupt();
        }
      }
    }
  }

  private Decision evaluate() {
    byte[] json;
    try {
      json = Json.MAPPER.writeValueAsBytes(input);
    } catch (IOException e) {
      fail("input not serialisable: " + e.getClass().getSimpleName());
      return Decision.policyError();
    }
    WasmInstances.Slot slot;
    try {
      slot = instances.borrow();
    } catch (InterruptedException e) {
      return Decision.policyError(); // expired (already logged) or the engine is closing
    }
    boolean healthy = false;
    byte[] resultSet;
    try {
      resultSet = slot.opa().evaluate(instances.entrypointId(), json);
      healthy = true;
    } catch (ChicoryInterruptedException e) {
      fail("evaluation interrupted");
      return Decision.policyError();
    } catch (RuntimeException | Error e) { // a broken instance must not take the thread down
      LOG.log(Level.WARNING, "policy evaluation failed", e);
      fail("evaluation failed: " + e);
      return Decision.policyError();
    } finally {
      if (healthy) {
        instances.release(slot);
      } else {
        instances.discard(slot);
      }
    }
    return OpaResultSet.decision(resultSet, entrypoint);
  }
}
