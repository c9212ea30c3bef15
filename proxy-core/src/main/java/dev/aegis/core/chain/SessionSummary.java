package dev.aegis.core.chain;

/** One chain in a store: its size, time span and last event type. */
public record SessionSummary(
    String tenantId,
    String sessionId,
    long events,
    long firstTsUnixMs,
    long lastTsUnixMs,
    String lastEventType) {

  /** "terminated" if the chain's last event is a TERMINATION, else "open". */
  public String status() {
    return "TERMINATION".equals(lastEventType) ? "terminated" : "open";
  }
}
