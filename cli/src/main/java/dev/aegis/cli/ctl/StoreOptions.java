package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.store.BodyKeys;
import dev.aegis.store.ChainStores;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store} and {@code --tenant} options shared by the commands that read a store. */
final class StoreOptions {
  /** The tenant aegis-proxy writes when none is given. */
  static final String DEFAULT_TENANT = "default";

  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "Chain store: sqlite:PATH or postgresql://USER@HOST:PORT/DB"
              + " (default: $AEGIS_STORE, else the per-user store aegis-proxy writes).")
  String store;

  @Option(
      names = "--body-keys",
      paramLabel = "DIR",
      description =
          "Directory of the per-tenant keys bodies were encrypted with (aegis-proxy --body-keys;"
              + " default: $AEGIS_BODY_KEYS). Without the key an encrypted body reads as shredded.")
  Path bodyKeys;

  @Option(
      names = "--tenant",
      paramLabel = "T",
      description = "Tenant id (default: every tenant; for one session: default).")
  String tenant;

  /** The store URL given, or the default store of aegis-proxy. */
  String url() {
    return store != null ? store : ChainStores.defaultUrl();
  }

  /** The tenant given, or null for every tenant. */
  String tenantOrAll() {
    return tenant;
  }

  /** The tenant given, or {@value #DEFAULT_TENANT}. */
  String tenantOrDefault() {
    return tenant != null ? tenant : DEFAULT_TENANT;
  }

  /**
   * Opens the store for reading. Fails with a {@link dev.aegis.core.chain.ChainStoreException} for
   * a bad URL or an unreachable store. Nothing is appended, so durability does not matter.
   */
  ChainStore open() {
    return ChainStores.openExisting(url(), keys());
  }

  /** The body keys given with --body-keys, or null (then $AEGIS_BODY_KEYS, if set). */
  BodyKeys keys() {
    return bodyKeys == null ? null : BodyKeys.in(bodyKeys);
  }
}
