package dev.aegis.guard.manifest;

import static java.util.Objects.requireNonNull;

import java.security.PublicKey;
import java.util.List;
import java.util.Locale;

/**
 * Whether a manifest's signature is required: in {@link Mode#DEV} an unsigned or untrusted manifest
 * is accepted with a warning; in {@link Mode#PROD} only a valid signature by one of the trusted
 * keys is. Immutable and thread-safe.
 *
 * @param mode dev or prod
 * @param trustedKeys the Ed25519 public keys whose signatures are trusted; at least one in prod
 */
public record TrustPolicy(Mode mode, List<PublicKey> trustedKeys) {
  /** The trust modes. There is no default: an empty or unknown mode is a configuration error. */
  public enum Mode {
    /** Development: unsigned and untrusted manifests are accepted, with a warning. */
    DEV,
    /** Production: a valid signature by a trusted key is required. */
    PROD;

    /** The spelling in flags and config: {@code dev} or {@code prod}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code dev} or {@code prod}; anything else, including an empty string, is an {@link
     * IllegalArgumentException} (never silently prod, nor dev).
     */
    public static Mode parse(String s) {
      for (Mode m : values()) {
        if (m.wireName().equals(s)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "trust mode " + (s == null ? "null" : Problems.quote(s)) + " (expected: dev or prod)");
    }
  }

  /** Validates: prod needs at least one trusted key. */
  public TrustPolicy {
    requireNonNull(mode, "mode");
    trustedKeys = List.copyOf(trustedKeys);
    if (mode == Mode.PROD && trustedKeys.isEmpty()) {
      throw new IllegalArgumentException(
          "trusted keys: none (expected: at least one trusted public key in prod mode)");
    }
  }

  /** Dev mode with no trusted keys: everything accepted, unsigned manifests with a warning. */
  public static TrustPolicy dev() {
    return new TrustPolicy(Mode.DEV, List.of());
  }

  /** Decides whether the manifest is trusted, acceptable with a warning, or rejected. */
  public TrustResult check(Manifest manifest) {
    Manifest.Signature sig = manifest.integrity().signature().orElse(null);
    if (sig == null) {
      return untrusted(null, "is missing: the manifest is not signed");
    }
    for (PublicKey key : trustedKeys) {
      if (ManifestKeys.keyId(key).equals(sig.keyId())) {
        if (ManifestSigner.verify(manifest, key)) {
          return new TrustResult(
              TrustResult.Status.TRUSTED, sig.keyId(), "signed by trusted key " + sig.keyId());
        }
        return untrusted(
            sig.keyId(),
            "does not verify with trusted key "
                + sig.keyId()
                + ": the manifest was changed after it was signed");
      }
    }
    return untrusted(
        sig.keyId(),
        trustedKeys.isEmpty()
            ? "by key " + sig.keyId() + " was not checked: no trusted keys are configured"
            : "is by key " + sig.keyId() + ", which is not a trusted key");
  }

  private TrustResult untrusted(String keyId, String why) {
    if (mode == Mode.DEV) {
      return new TrustResult(
          TrustResult.Status.ACCEPTED_UNTRUSTED,
          keyId,
          "integrity.signature " + why + "; accepted only because the trust mode is dev");
    }
    return new TrustResult(
        TrustResult.Status.REJECTED,
        keyId,
        Problems.line(
            "integrity.signature", why, "a valid signature by a trusted key in trust mode prod"));
  }
}
