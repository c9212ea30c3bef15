package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * Token buckets for {@code tools/call}, one per tenant and one per (tenant, tool), shared by every
 * session of a process so that stdio and HTTP sessions draw from the same buckets. A call passes
 * only when every bucket that applies to it has a token, and then takes one from each. Time comes
 * from the injected clock. Thread-safe (one lock; the work under it is a few arithmetic steps).
 */
public final class RateLimiter {
  /** A limiter that lets everything through. */
  public static final RateLimiter NONE = new RateLimiter(RateLimits.NONE, InstantSource.system());

  /**
   * Why a call was refused: the bucket that was empty and when it will have a token again.
   *
   * @param scope {@code tenant} or {@code tool}
   * @param key the tenant id or the tool name
   * @param limit the limit in spec form, like {@code 5/m}
   * @param retryAfterMs milliseconds until that bucket has a token again
   */
  public record Refusal(String scope, String key, String limit, long retryAfterMs) {
    /** The {@code rate_limit} object sealed with the denial. */
    ObjectNode toJson() {
      ObjectNode o = Json.object();
      o.put("scope", scope);
      o.put("key", key);
      o.put("limit", limit);
      o.put("retry_after_ms", retryAfterMs);
      return o;
    }
  }

  /** Above this many buckets, full ones are dropped (a full bucket is the same as a new one). */
  static final int PRUNE_ABOVE = 10_000;

  private final RateLimits limits;
  private final InstantSource clock;
  private final Map<String, Bucket> buckets = new HashMap<>();

  /** A limiter over {@code limits}, reading time from {@code clock}. */
  public RateLimiter(RateLimits limits, InstantSource clock) {
    this.limits = requireNonNull(limits, "limits");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Takes a token for a call of {@code tool} by {@code tenant}; null if it passes. */
  public Refusal tryAcquire(String tenant, String tool) {
    return tryAcquire(tenant, tool, clock.millis());
  }

  /**
   * As {@link #tryAcquire(String, String)} at a given time: the proxy passes the sealed time of the
   * call's proposal, so a replay on the recorded clock takes the same tokens. Times earlier than a
   * bucket's last (another session's call sealed a moment later) refill nothing.
   */
  public Refusal tryAcquire(String tenant, String tool, long now) {
    if (limits.none()) {
      return null;
    }
    RateLimits.Limit toolLimit = limits.forTool(tool);
    synchronized (buckets) {
      if (buckets.size() > PRUNE_ABOVE) { // many tenants or tool names: keep memory bounded
        buckets.values().removeIf(b -> b.full(now));
      }
      Bucket t =
          limits.tenant() == null
              ? null
              : buckets.computeIfAbsent("t\0" + tenant, k -> new Bucket(limits.tenant(), now));
      Bucket c =
          toolLimit == null
              ? null
              : buckets.computeIfAbsent(
                  "c\0" + tenant + "\0" + tool, k -> new Bucket(toolLimit, now));
      if (t != null && !t.has(now)) {
        return new Refusal("tenant", tenant, t.limit.toString(), t.waitMs());
      }
      if (c != null && !c.has(now)) {
        return new Refusal("tool", tool, c.limit.toString(), c.waitMs());
      }
      if (t != null) {
        t.take();
      }
      if (c != null) {
        c.take();
      }
      return null;
    }
  }

  /** How many buckets exist (for tests). */
  int buckets() {
    synchronized (buckets) {
      return buckets.size();
    }
  }

  /** One bucket; guarded by the limiter's lock. */
  private static final class Bucket {
    private final RateLimits.Limit limit;
    private final long periodMs;
    private double tokens;
    private long at;

    Bucket(RateLimits.Limit limit, long now) {
      this.limit = limit;
      this.periodMs = limit.per().toMillis();
      this.tokens = limit.permits();
      this.at = now;
    }

    /** Refills up to {@code now}; true when a whole token is there. */
    boolean has(long now) {
      if (now > at) {
        // multiply before dividing: a whole period refills exactly, with no rounding short of it
        tokens =
            Math.min(limit.permits(), tokens + (double) (now - at) * limit.permits() / periodMs);
        at = now;
      }
      return tokens >= 1;
    }

    /** Refills up to {@code now}; true when the bucket is full. */
    boolean full(long now) {
      has(now);
      return tokens >= limit.permits();
    }

    void take() {
      tokens -= 1;
    }

    /** Milliseconds until a whole token is there (after {@link #has} refilled). */
    long waitMs() {
      return Math.max(1, (long) Math.ceil((1 - tokens) * periodMs / limit.permits()));
    }
  }
}
