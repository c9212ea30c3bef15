package dev.aegis.store;

import dev.aegis.core.approval.ApprovalStore;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.RedactionStore;
import dev.aegis.core.chain.SessionKeyStore;
import dev.aegis.core.checkpoint.CheckpointStore;
import dev.aegis.core.pins.PinStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Opens chain stores from URLs: {@code sqlite:PATH}, {@code jdbc:sqlite:PATH}, {@code
 * postgresql://USER[:PASSWORD]@HOST:PORT/DB[?params]}, {@code postgres://…} and {@code
 * jdbc:postgresql://…} (password also from {@code PGPASSWORD}), and gives the tool pins kept beside
 * a chain. The one public entry point of this module; stateless and thread-safe.
 */
public final class ChainStores {

  private ChainStores() {}

  /**
   * Opens the store at the URL, creating the SQLite file (and its directories) or schema as needed.
   * Blocking. Throws {@link ChainStoreException}: STORE_CONFIG for a bad URL, bad credentials or a
   * schema newer than this build; STORE_UNAVAILABLE when the database cannot be reached or opened.
   */
  public static ChainStore open(String url, Durability durability) {
    return open(url, durability, System.getenv());
  }

  /**
   * As {@link #open(String, Durability)}, with frame bodies encrypted at rest under the tenant keys
   * in {@code keys} (AES-256-GCM; null: the keys {@value BodyKeys#ENV} names, else bodies in
   * clear). Encrypted bodies are readable by every store opened with the same key directory.
   */
  public static ChainStore open(String url, Durability durability, BodyKeys keys) {
    return open(url, durability, System.getenv(), keys);
  }

  static ChainStore open(String url, Durability durability, Map<String, String> env) {
    return open(url, durability, env, null);
  }

  private static ChainStore open(
      String url, Durability durability, Map<String, String> env, BodyKeys keys) {
    Objects.requireNonNull(durability, "durability");
    StoreUrl parsed = StoreUrl.parse(url, env);
    JdbcChainStore store =
        parsed instanceof StoreUrl.Sqlite s
            ? SqliteChainStore.open(s.path(), durability)
            : PostgresChainStore.open((StoreUrl.Postgres) parsed, durability);
    store.bodyKeys(keys != null ? keys : BodyKeys.fromEnv(env).orElse(null));
    return store;
  }

  /**
   * Opens a store that must already exist, for readers such as {@code aegisctl}: a missing SQLite
   * file fails with STORE_UNAVAILABLE ("no store at PATH") instead of being created.
   */
  public static ChainStore openExisting(String url) {
    return openExisting(url, null);
  }

  /** As {@link #openExisting(String)}, reading encrypted bodies with {@code keys} (see open). */
  public static ChainStore openExisting(String url, BodyKeys keys) {
    StoreUrl parsed = StoreUrl.parse(url, System.getenv());
    if (parsed instanceof StoreUrl.Sqlite s && !java.nio.file.Files.isRegularFile(s.path())) {
      throw new ChainStoreException(
          ChainStoreException.Reason.STORE_UNAVAILABLE, "no store at " + s.path());
    }
    return open(url, Durability.NORMAL, keys);
  }

  /**
   * The persisted approval requests kept in the same database as a store this class opened (closed
   * with it). Throws IllegalArgumentException for any other store.
   */
  public static ApprovalStore approvals(ChainStore store) {
    if (store instanceof JdbcChainStore j) {
      return j.approvals();
    }
    throw new IllegalArgumentException("no approvals table beside " + store.describe());
  }

  /**
   * The tool pins kept beside the chain in a store this class opened ({@code tool_pins}): usable
   * while the store is open, over short-lived connections of its own. Throws {@link
   * IllegalArgumentException} for a store opened elsewhere.
   */
  public static PinStore pins(ChainStore store) {
    return new JdbcPinStore(jdbc(store));
  }

  /**
   * The checkpoints kept beside the chain in a store this class opened ({@code checkpoints}):
   * usable while the store is open. Throws {@link IllegalArgumentException} for another store.
   */
  public static CheckpointStore checkpoints(ChainStore store) {
    return new JdbcCheckpointStore(jdbc(store));
  }

  /**
   * Body erasure with recorded redactions in a store this class opened ({@code redactions}): usable
   * while the store is open. Throws {@link IllegalArgumentException} for another store.
   */
  public static RedactionStore redactions(ChainStore store) {
    JdbcChainStore j = jdbc(store);
    return new JdbcRedactionStore(j, j.bodies());
  }

  /**
   * The seqs of a chain whose bodies are encrypted under a tenant key this store was not given
   * (deleted keys: shredded bodies); verification treats them as erased, not as tampering.
   * Blocking. Throws {@link IllegalArgumentException} for a store opened elsewhere.
   */
  public static List<Long> unreadableBodies(ChainStore store, String tenantId, String sessionId) {
    return jdbc(store).unreadableBodies(tenantId, sessionId);
  }

  /**
   * The session keys kept beside the chain in a store this class opened ({@code session_keys}):
   * usable while the store is open. Throws {@link IllegalArgumentException} for another store.
   */
  public static SessionKeyStore sessionKeys(ChainStore store) {
    return new JdbcSessionKeyStore(jdbc(store));
  }

  private static JdbcChainStore jdbc(ChainStore store) {
    if (store instanceof JdbcChainStore j) {
      return j;
    }
    throw new IllegalArgumentException("store: " + store + " (expected: a store opened here)");
  }

  /** The store URL to use when none is given: {@code AEGIS_STORE}, else the default SQLite file. */
  public static String defaultUrl() {
    return DefaultLocation.url(System.getenv(), System.getProperty("os.name"), home());
  }

  /**
   * The per-user default SQLite file: {@code $XDG_DATA_HOME/aegis/chain.db} or {@code
   * ~/.local/share/aegis/chain.db} on Linux, {@code ~/Library/Application Support/Aegis/chain.db}
   * on macOS, {@code %LOCALAPPDATA%\Aegis\chain.db} on Windows. Not created here.
   */
  public static Path defaultSqlitePath() {
    return DefaultLocation.sqlitePath(System.getenv(), System.getProperty("os.name"), home());
  }

  private static Path home() {
    return Path.of(System.getProperty("user.home"));
  }
}
