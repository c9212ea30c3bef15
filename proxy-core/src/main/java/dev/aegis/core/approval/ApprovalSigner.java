package dev.aegis.core.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.Hex;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over what an approval is bound to. Two forms:
 *
 * <ul>
 *   <li>operator tokens {@code apv1-NONCE-MAC} (24 + 32 hex digits) bound to tenant, session, tool,
 *       the arguments' digest and the expiry, all stored beside the token, so a stored row cannot
 *       be re-bound to another call without the key;
 *   <li>MRTR {@code requestState} values {@code aegis1.STATE.MAC} (base64url) that carry the
 *       binding themselves, for 2026-07-28 clients that echo them on their retry.
 * </ul>
 *
 * Thread-safe; MACs are compared in constant time.
 */
public final class ApprovalSigner {
  private static final String TOKEN_PREFIX = "apv1-";
  private static final String STATE_PREFIX = "aegis1.";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final Supplier<byte[]> source;
  private volatile SecretKeySpec key;

  /** A signer with this key (at least 32 bytes). */
  public ApprovalSigner(byte[] key) {
    this.source = null;
    this.key = spec(key);
  }

  private ApprovalSigner(Supplier<byte[]> source) {
    this.source = source;
  }

  /**
   * A signer whose key is read (or created) by {@code source} on first use, so that a proxy that
   * never needs an approval never touches the key file. A failing source fails that use.
   */
  public static ApprovalSigner lazy(Supplier<byte[]> source) {
    return new ApprovalSigner(java.util.Objects.requireNonNull(source, "source"));
  }

  private static SecretKeySpec spec(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("approval key must have at least 32 bytes");
    }
    return new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  private SecretKeySpec key() {
    SecretKeySpec k = key;
    if (k == null) {
      synchronized (this) {
        if (key == null) {
          key = spec(source.get());
        }
        k = key;
      }
    }
    return k;
  }

  /** A fresh random 32-byte key. */
  public static byte[] newKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return k;
  }

  /** Issues a token bound to the call; the binding is stored with it. */
  public String token(
      String tenantId, String sessionId, String toolName, String argsSha256, long expiresUnixMs) {
    byte[] n = new byte[12];
    RANDOM.nextBytes(n);
    String nonce = Hex.of(n);
    byte[] mac = mac(binding(tenantId, sessionId, toolName, argsSha256, expiresUnixMs, nonce));
    return TOKEN_PREFIX + nonce + "-" + Hex.of(Arrays.copyOf(mac, 16));
  }

  /** True if the record's token was issued by this key for exactly the record's binding. */
  public boolean verifies(ApprovalRecord r) {
    String t = r.token();
    if (!t.startsWith(TOKEN_PREFIX) || t.length() != TOKEN_PREFIX.length() + 24 + 1 + 32) {
      return false;
    }
    String nonce = t.substring(TOKEN_PREFIX.length(), TOKEN_PREFIX.length() + 24);
    String given = t.substring(TOKEN_PREFIX.length() + 25);
    byte[] mac =
        mac(
            binding(
                r.tenantId(),
                r.sessionId(),
                r.toolName(),
                r.argsSha256(),
                r.expiresUnixMs(),
                nonce));
    return MessageDigest.isEqual(
        Hex.of(Arrays.copyOf(mac, 16)).getBytes(StandardCharsets.US_ASCII),
        given.getBytes(StandardCharsets.US_ASCII));
  }

  /** True if {@code s} has the shape of an operator token (cheap pre-check before a lookup). */
  public static boolean looksLikeToken(String s) {
    return s != null && s.startsWith(TOKEN_PREFIX) && s.length() == TOKEN_PREFIX.length() + 57;
  }

  /** Seals an MRTR request state: the JSON object {@code state} plus its MAC, URL-safe. */
  public String requestState(ObjectNode state) {
    byte[] body = EnvelopeHasher.canonicalize(EnvelopeHasher.normalize(state));
    return STATE_PREFIX + B64.encodeToString(body) + "." + B64.encodeToString(mac(body));
  }

  /** True if the string is one of our request states (it may still fail verification). */
  public static boolean isOurState(String s) {
    return s != null && s.startsWith(STATE_PREFIX);
  }

  /** The state sealed by {@link #requestState}, if the MAC verifies; empty otherwise. */
  public Optional<ObjectNode> openState(String s) {
    if (!isOurState(s)) {
      return Optional.empty();
    }
    String rest = s.substring(STATE_PREFIX.length());
    int dot = rest.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    try {
      byte[] body = B64D.decode(rest.substring(0, dot));
      byte[] mac = B64D.decode(rest.substring(dot + 1));
      if (!MessageDigest.isEqual(mac(body), mac)) {
        return Optional.empty();
      }
      JsonNode n = Json.MAPPER.readTree(body);
      return n != null && n.isObject() ? Optional.of((ObjectNode) n) : Optional.empty();
    } catch (IllegalArgumentException | java.io.IOException e) {
      return Optional.empty();
    }
  }

  private static byte[] binding(
      String tenantId,
      String sessionId,
      String toolName,
      String argsSha256,
      long expiresUnixMs,
      String nonce) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    a.add("aegis-approval-token/v1")
        .add(tenantId)
        .add(sessionId)
        .add(toolName)
        .add(argsSha256)
        .add(expiresUnixMs)
        .add(nonce);
    return EnvelopeHasher.canonicalize(EnvelopeHasher.normalize(a));
  }

  private byte[] mac(byte[] data) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key());
      return m.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
