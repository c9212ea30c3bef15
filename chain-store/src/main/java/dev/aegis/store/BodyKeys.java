package dev.aegis.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.event.Hex;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-tenant AES-256 keys that encrypt stored frame bodies at rest: one file per tenant in a
 * directory ({@code tenant-HEX.key}, HEX the tenant id's UTF-8 bytes, content one base64 line of 32
 * random bytes, owner-only). A writer creates a tenant's key the first time it stores a body for
 * it; deleting the file <em>shreds</em> that tenant's bodies: their ciphertext stays, nobody can
 * read it, and the chain still verifies. Keys are cached after the first read, so a key deleted
 * while a process runs stays usable by that process until it exits.
 *
 * <p>Thread-safe. Failures to read or create a key throw {@link ChainStoreException}
 * (STORE_CONFIG): a body is never stored in clear because its key could not be made.
 */
public final class BodyKeys {
  /** The environment variable every command reads when no key directory is given. */
  public static final String ENV = "AEGIS_BODY_KEYS";

  static final int KEY_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A tenant's key and its id (the first 8 bytes of SHA-256 over a label and the key). */
  record Key(byte[] bytes, byte[] id) {
    static Key of(byte[] bytes) {
      try {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update("aegis/body-key/v1".getBytes(UTF_8));
        return new Key(bytes, Arrays.copyOf(d.digest(bytes), ID_BYTES));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("SHA-256 unavailable", e);
      }
    }
  }

  static final int ID_BYTES = 8;

  private final Path dir;
  private final Map<String, Key> cache = new ConcurrentHashMap<>();

  private BodyKeys(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** The keys kept in a directory (created with the first key). */
  public static BodyKeys in(Path dir) {
    return new BodyKeys(requireNonNull(dir, "dir"));
  }

  /** The keys named by {@value #ENV} in an environment, if it is set and not blank. */
  public static Optional<BodyKeys> fromEnv(Map<String, String> env) {
    String dir = env.get(ENV);
    return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(in(Path.of(dir)));
  }

  /** The directory the keys live in. */
  public Path directory() {
    return dir;
  }

  /** A tenant's key file, whether it exists or not. */
  public Path file(String tenantId) {
    return dir.resolve("tenant-" + Hex.of(tenantId.getBytes(UTF_8)) + ".key");
  }

  /**
   * Deletes a tenant's key: every body stored under it becomes unreadable for good. Returns false
   * when there was no key. Throws {@link ChainStoreException} when the file cannot be deleted.
   */
  public boolean shred(String tenantId) {
    cache.remove(tenantId);
    try {
      return Files.deleteIfExists(file(tenantId));
    } catch (IOException e) {
      throw new ChainStoreException(
          Reason.STORE_CONFIG, "cannot delete body key " + file(tenantId) + ": " + e, e);
    }
  }

  /** The tenant's key if its file exists (read once, then cached). */
  Optional<Key> existing(String tenantId) {
    Key cached = cache.get(tenantId);
    if (cached != null) {
      return Optional.of(cached);
    }
    try {
      Key key = Key.of(decode(tenantId, Files.readString(file(tenantId), UTF_8)));
      cache.put(tenantId, key);
      return Optional.of(key);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ChainStoreException(
          Reason.STORE_CONFIG, "cannot read body key " + file(tenantId) + ": " + e, e);
    }
  }

  /**
   * The tenant's key, created (owner-only, atomically: of two racing writers one key wins and both
   * use it) when it does not exist yet.
   */
  Key forWriting(String tenantId) {
    Key cached = cache.get(tenantId); // the common case: no lock, no I/O
    return cached != null ? cached : create(tenantId);
  }

  private synchronized Key create(String tenantId) {
    Optional<Key> key = existing(tenantId);
    if (key.isPresent()) {
      return key.get();
    }
    byte[] fresh = new byte[KEY_BYTES];
    RANDOM.nextBytes(fresh);
    Path target = file(tenantId);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".tenant-", ".tmp");
      try {
        restrict(tmp);
        Files.writeString(tmp, Base64.getEncoder().encodeToString(fresh) + "\n", UTF_8);
        // a hard link never replaces an existing file (a rename would): of two racing writers,
        // in this process or another, the first key wins and the second reads it below
        Files.createLink(target, tmp);
      } catch (FileAlreadyExistsException raced) {
        // another writer made it first: use theirs
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new ChainStoreException(
          Reason.STORE_CONFIG, "cannot create body key " + target + ": " + e, e);
    }
    cache.remove(tenantId);
    return existing(tenantId)
        .orElseThrow(
            () -> new ChainStoreException(Reason.STORE_CONFIG, "body key vanished: " + target));
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the per-user directory's ACL applies
    }
  }

  private byte[] decode(String tenantId, String text) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length != KEY_BYTES) {
      throw new ChainStoreException(
          Reason.STORE_CONFIG,
          "body key " + file(tenantId) + " is not one base64 line of " + KEY_BYTES + " bytes");
    }
    return key;
  }

  @Override
  public String toString() {
    return "BodyKeys[" + dir + "]";
  }
}
