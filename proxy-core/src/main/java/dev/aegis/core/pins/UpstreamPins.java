package dev.aegis.core.pins;

import static java.util.Objects.requireNonNull;

/**
 * Where a session's tool pins live beyond it: the upstream it talks to and the store. Immutable.
 *
 * @param upstreamId the upstream's id (see {@link UpstreamIds}), sealed in SESSION_STARTED
 * @param store the pin store, or null to pin per session only
 */
public record UpstreamPins(String upstreamId, PinStore store) {
  /** Checks the id. */
  public UpstreamPins {
    UpstreamIds.check(requireNonNull(upstreamId, "upstreamId"));
  }
}
