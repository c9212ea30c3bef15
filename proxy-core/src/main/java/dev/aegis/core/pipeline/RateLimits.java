package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Token-bucket limits on {@code tools/call}, parsed from a spec such as {@code
 * tenant=100/s,tool=20/s,tool:exec=5/m}: {@code tenant} for all calls of a tenant, {@code tool} for
 * each tool on its own, {@code tool:NAME} for one tool (instead of {@code tool}). A limit {@code
 * N/UNIT} (UNIT {@code s}, {@code m} or {@code h}) lets N calls through at once and refills N per
 * UNIT, continuously. Immutable.
 *
 * @param tenant the tenant's limit, or null
 * @param eachTool the limit of every tool without its own, or null
 * @param tools limits of named tools
 */
public record RateLimits(Limit tenant, Limit eachTool, Map<String, Limit> tools) {
  /** No limits at all. */
  public static final RateLimits NONE = new RateLimits(null, null, Map.of());

  /**
   * One bucket's size and refill period.
   *
   * @param permits calls allowed at once, and refilled per {@code per}
   * @param per the refill period
   */
  public record Limit(long permits, Duration per) {
    /** Validates both parts. */
    public Limit {
      requireNonNull(per, "per");
      if (permits <= 0) {
        throw new IllegalArgumentException("permits: " + permits + " (expected: > 0)");
      }
      if (per.isNegative() || per.isZero()) {
        throw new IllegalArgumentException("per: " + per + " (expected: > 0)");
      }
    }

    /** The spec form, like {@code 5/m}. */
    @Override
    public String toString() {
      long s = per.toSeconds();
      return permits + "/" + (s == 3600 ? "h" : s == 60 ? "m" : "s");
    }
  }

  /** Copies the map. */
  public RateLimits {
    tools = Map.copyOf(tools);
  }

  /** True when no limit is set. */
  public boolean none() {
    return tenant == null && eachTool == null && tools.isEmpty();
  }

  /**
   * The spec these limits parse from, in a fixed order ({@code tenant}, {@code tool}, then named
   * tools by name); empty for {@link #NONE}. {@code parse(spec())} equals this.
   */
  public String spec() {
    List<String> parts = new ArrayList<>();
    if (tenant != null) {
      parts.add("tenant=" + tenant);
    }
    if (eachTool != null) {
      parts.add("tool=" + eachTool);
    }
    new TreeMap<>(tools).forEach((name, limit) -> parts.add("tool:" + name + "=" + limit));
    return String.join(",", parts);
  }

  /** The limit that applies to {@code tool} on its own, or null. */
  Limit forTool(String tool) {
    Limit own = tools.get(tool);
    return own != null ? own : eachTool;
  }

  /**
   * Parses a spec ({@code null} or blank: {@link #NONE}); {@link IllegalArgumentException} naming
   * the bad part.
   */
  public static RateLimits parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    Limit tenant = null;
    Limit eachTool = null;
    Map<String, Limit> tools = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw bad(p);
      }
      String key = p.substring(0, eq).strip();
      Limit limit = limit(p, p.substring(eq + 1).strip());
      if (key.equals("tenant")) {
        tenant = limit;
      } else if (key.equals("tool")) {
        eachTool = limit;
      } else if (key.startsWith("tool:") && key.length() > 5) {
        tools.put(key.substring(5), limit);
      } else {
        throw bad(p);
      }
    }
    return new RateLimits(tenant, eachTool, tools);
  }

  private static Limit limit(String part, String value) {
    int slash = value.indexOf('/');
    if (slash <= 0) {
      throw bad(part);
    }
    Duration per =
        switch (value.substring(slash + 1).strip()) {
          case "s" -> Duration.ofSeconds(1);
          case "m" -> Duration.ofMinutes(1);
          case "h" -> Duration.ofHours(1);
          default -> throw bad(part);
        };
    try {
      long n = Long.parseLong(value.substring(0, slash).strip());
      if (n <= 0) {
        throw bad(part);
      }
      return new Limit(n, per);
    } catch (NumberFormatException e) {
      throw bad(part);
    }
  }

  private static IllegalArgumentException bad(String part) {
    return new IllegalArgumentException(
        "rate-limit: "
            + part
            + " (expected: tenant=N/U, tool=N/U or tool:NAME=N/U, U one of s, m, h; comma-separated)");
  }
}
