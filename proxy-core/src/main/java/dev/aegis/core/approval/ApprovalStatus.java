package dev.aegis.core.approval;

import java.util.Locale;

/** Where an approval request stands. Expiry is computed from the record, not stored. */
public enum ApprovalStatus {
  PENDING,
  APPROVED,
  DENIED;

  /** The stored spelling: {@code pending}, {@code approved}, {@code denied}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the stored spelling. */
  public static ApprovalStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
