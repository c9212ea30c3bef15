package dev.aegis.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encryption of stored frame bodies. A stored body is either the frame in clear (no
 * keys configured when it was written) or {@code MAGIC | key id (8) | nonce (12) | ciphertext+tag};
 * the associated data binds tenant, session and seq, so a ciphertext moved to another row does not
 * open. The magic starts with a zero byte, which no JSON frame does. The chain commits to the clear
 * frame's digest, so encryption changes nothing the verifier checks.
 *
 * <p>Reading needs no configuration to recognise an encrypted body: without its key (none given, or
 * deleted = shredded) the body reads as absent. A body whose tag does not verify is returned as
 * stored, so verification reports it as tampered. Thread-safe.
 */
final class BodyCipher {
  private static final byte[] MAGIC = {0, 'A', 'E', '1'};
  private static final int KEY_ID = BodyKeys.ID_BYTES;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final int HEADER = MAGIC.length + KEY_ID + NONCE;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Reads encrypted bodies as absent and stores bodies in clear. */
  static final BodyCipher NONE = new BodyCipher(null);

  private final BodyKeys keys;

  private BodyCipher(BodyKeys keys) {
    this.keys = keys;
  }

  /** Encrypts with the keys in {@code keys}, or stores in clear when null. */
  static BodyCipher of(BodyKeys keys) {
    return keys == null ? NONE : new BodyCipher(keys);
  }

  /** The record as it is stored: its body encrypted when keys are configured. */
  ChainRecord seal(ChainRecord r) {
    if (keys == null || r.body() == null) {
      return r;
    }
    BodyKeys.Key key = keys.forWriting(r.tenantId());
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    byte[] out;
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, key.bytes(), nonce);
      c.updateAAD(aad(r.tenantId(), r.sessionId(), r.seq()));
      ByteArrayOutputStream b = new ByteArrayOutputStream(HEADER + r.body().length + 16);
      b.writeBytes(MAGIC);
      b.writeBytes(key.id());
      b.writeBytes(nonce);
      b.writeBytes(c.doFinal(r.body()));
      out = b.toByteArray();
    } catch (GeneralSecurityException e) {
      throw new ChainStoreException(Reason.STORE_CONFIG, "cannot encrypt a body: " + e, e);
    }
    return r.withBody(out);
  }

  /** The record as read: an encrypted body opened, or absent when its key is not available. */
  ChainRecord open(ChainRecord r) {
    byte[] stored = r.body();
    if (!encrypted(stored)) {
      return r;
    }
    return r.withBody(plain(r.tenantId(), r.sessionId(), r.seq(), stored).orElse(null));
  }

  /**
   * The clear body of a stored one, or empty when it is encrypted under a key that is not
   * available. A tag that does not verify yields the stored bytes (the verifier calls it tampered).
   */
  Optional<byte[]> plain(String tenant, String session, long seq, byte[] stored) {
    if (!encrypted(stored)) {
      return Optional.of(stored);
    }
    Optional<BodyKeys.Key> key = keyFor(tenant, stored);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    try {
      Cipher c =
          cipher(
              Cipher.DECRYPT_MODE,
              key.get().bytes(),
              Arrays.copyOfRange(stored, MAGIC.length + KEY_ID, HEADER));
      c.updateAAD(aad(tenant, session, seq));
      return Optional.of(c.doFinal(stored, HEADER, stored.length - HEADER));
    } catch (AEADBadTagException tampered) {
      return Optional.of(stored);
    } catch (GeneralSecurityException e) {
      throw new ChainStoreException(Reason.STORE_CONFIG, "cannot decrypt a body: " + e, e);
    }
  }

  /**
   * Whether a stored body can be read: in clear, or encrypted under a key this cipher has (a tag
   * that does not verify still counts: it reads as stored and verifies as tampered).
   */
  boolean readable(String tenant, byte[] stored) {
    return !encrypted(stored) || keyFor(tenant, stored).isPresent();
  }

  /** The tenant's key if it is the one an encrypted body names. */
  private Optional<BodyKeys.Key> keyFor(String tenant, byte[] stored) {
    Optional<BodyKeys.Key> key = keys == null ? Optional.empty() : keys.existing(tenant);
    return key.filter(
        k -> Arrays.equals(k.id(), 0, KEY_ID, stored, MAGIC.length, MAGIC.length + KEY_ID));
  }

  /** Whether stored body bytes are in this class's encrypted form. */
  static boolean encrypted(byte[] stored) {
    return stored != null
        && stored.length > HEADER
        && Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    return c;
  }

  private static byte[] aad(String tenant, String session, long seq) {
    byte[] t = tenant.getBytes(UTF_8);
    byte[] s = session.getBytes(UTF_8);
    byte[] label = "aegis/body/v1".getBytes(UTF_8);
    return ByteBuffer.allocate(label.length + 4 + t.length + 4 + s.length + 8)
        .put(label)
        .putInt(t.length)
        .put(t)
        .putInt(s.length)
        .put(s)
        .putLong(seq)
        .array();
  }
}
