package dev.aegis.core.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.event.Hex;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * Signs and checks checkpoint statements with Ed25519. The key id is the first 16 hex digits of
 * SHA-256 of the public key's X.509 encoding (as for manifest keys). Thread-safe: every call uses a
 * fresh {@link Signature}.
 */
public final class CheckpointSigner {
  private final PrivateKey key;
  private final String keyId;

  /** A signer with the private key of the pair whose public half is {@code publicKey}. */
  public CheckpointSigner(PrivateKey key, PublicKey publicKey) {
    this.key = requireNonNull(key, "key");
    this.keyId = keyId(requireNonNull(publicKey, "publicKey"));
    byte[] probe = new byte[] {1};
    if (!verifies(publicKey, probe, sign(probe))) {
      throw new IllegalArgumentException("the public key does not belong to the private key");
    }
  }

  /** The key id of a public key. */
  public static String keyId(PublicKey key) {
    return Hex.sha256(key.getEncoded()).substring(0, 16);
  }

  /** The key id of this signer. */
  public String keyId() {
    return keyId;
  }

  /** The checkpoint, signed. */
  public Checkpoint sign(Checkpoint c) {
    return c.withSignature(keyId, sign(c.statement()));
  }

  private byte[] sign(byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
    }
  }

  /**
   * True if the checkpoint carries a valid signature by {@code key}. Never throws for bad input.
   */
  public static boolean verifies(Checkpoint c, PublicKey key) {
    return c.signed()
        && keyId(key).equals(c.keyId())
        && verifies(key, c.statement(), c.signature());
  }

  private static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (InvalidKeyException | SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "CheckpointSigner[" + keyId + "]";
  }
}
