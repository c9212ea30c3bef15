package dev.aegis.cli.proxy;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.checkpoint.CheckpointSigner;
import dev.aegis.core.checkpoint.Checkpointer;
import dev.aegis.guard.manifest.ManifestKeys;
import dev.aegis.store.ChainStores;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;

/**
 * The proxy's checkpointer from its settings: the key file read now (a bad one fails at startup),
 * or unsigned checkpoints with one warning on stderr. Stateless.
 */
final class CheckpointKeys {
  private CheckpointKeys() {}

  /**
   * A checkpointer writing into {@code store}'s checkpoints table. Throws {@link
   * IllegalArgumentException} for an unreadable or non-Ed25519 key file.
   */
  static Checkpointer create(ProxySettings s, ChainStore store) {
    CheckpointSigner signer = null;
    if (s.checkpointKey() != null) {
      signer = signer(s.checkpointKey());
    } else {
      System.err.println(
          "aegis-proxy: no --checkpoint-key: checkpoints are stored unsigned (they still catch"
              + " truncation, but not a rewrite by someone who can write the store)");
    }
    return new Checkpointer(ChainStores.checkpoints(store), signer, s.checkpointEvery());
  }

  /** The signer of a PKCS#8 PEM Ed25519 key file. */
  static CheckpointSigner signer(Path file) {
    try {
      PrivateKey key = ManifestKeys.readPrivate(file);
      return new CheckpointSigner(key, ManifestKeys.publicKeyOf(key));
    } catch (IOException e) {
      throw new IllegalArgumentException("checkpoint-key: " + e.getMessage());
    }
  }
}
