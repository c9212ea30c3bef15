package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.EnvelopeHasher;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Ed25519 signatures over a manifest: the signed bytes are RFC 8785 (JCS) bytes of the manifest
 * JSON without {@code integrity.signature} (and without {@code integrity} when nothing else is in
 * it), so key order and whitespace never matter. Stateless and thread-safe.
 */
public final class ManifestSigner {
  private ManifestSigner() {}

  /** The bytes a signature covers. */
  public static byte[] signedBytes(JsonNode manifestJson) {
    ObjectNode copy = (ObjectNode) manifestJson.deepCopy();
    JsonNode integrity = copy.get("integrity");
    if (integrity instanceof ObjectNode o) {
      o.remove("signature");
      if (o.isEmpty()) {
        copy.remove("integrity");
      }
    }
    return EnvelopeHasher.canonicalize(EnvelopeHasher.normalize(copy));
  }

  /**
   * A copy of the manifest JSON, keys in documented order, with {@code integrity.signature} set to
   * an Ed25519 signature by the key (any previous signature replaced).
   */
  public static ObjectNode sign(ObjectNode manifestJson, PrivateKey key) {
    PublicKey pub = ManifestKeys.publicKeyOf(key);
    byte[] value;
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(signedBytes(manifestJson));
      value = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
    }
    ObjectNode signed = ManifestWriter.ordered(manifestJson);
    JsonNode integrity = signed.get("integrity");
    ObjectNode i = integrity instanceof ObjectNode o ? o : signed.putObject("integrity");
    ObjectNode sig = i.putObject("signature");
    sig.put("alg", Manifest.Signature.ED25519);
    sig.put("key_id", ManifestKeys.keyId(pub));
    sig.put("value", Base64.getEncoder().encodeToString(value));
    return signed;
  }

  /** True if the manifest carries an Ed25519 signature that verifies with the key. */
  public static boolean verify(Manifest manifest, PublicKey key) {
    Manifest.Signature sig = manifest.integrity().signature().orElse(null);
    if (sig == null || !sig.alg().equals(Manifest.Signature.ED25519)) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(signedBytes(manifest.json()));
      return s.verify(Base64.getDecoder().decode(sig.value()));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
