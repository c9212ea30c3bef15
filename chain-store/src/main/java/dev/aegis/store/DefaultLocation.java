package dev.aegis.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where the store lives when none is given: {@code AEGIS_STORE} if set, else a SQLite file in the
 * user's data directory for the platform. Pure over (environment, OS name, home) so that tests can
 * cover every platform; stateless.
 */
final class DefaultLocation {
  static final String STORE_ENV = "AEGIS_STORE";

  private DefaultLocation() {}

  /** {@code AEGIS_STORE} when set and not blank, else {@code sqlite:} and the default path. */
  static String url(Map<String, String> env, String osName, Path home) {
    String configured = env.get(STORE_ENV);
    if (configured != null && !configured.isBlank()) {
      return configured.trim();
    }
    return "sqlite:" + sqlitePath(env, osName, home);
  }

  /**
   * Linux and other Unix: {@code $XDG_DATA_HOME/aegis/chain.db} (an absolute XDG_DATA_HOME only,
   * per the XDG spec), else {@code ~/.local/share/aegis/chain.db}; macOS: {@code ~/Library/
   * Application Support/Aegis/chain.db}; Windows: {@code %LOCALAPPDATA%\Aegis\chain.db}.
   */
  static Path sqlitePath(Map<String, String> env, String osName, Path home) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      String local = env.get("LOCALAPPDATA");
      Path base =
          local != null && !local.isBlank()
              ? Path.of(local)
              : home.resolve("AppData").resolve("Local");
      return base.resolve("Aegis").resolve("chain.db");
    }
    if (os.startsWith("mac")) {
      return home.resolve("Library")
          .resolve("Application Support")
          .resolve("Aegis")
          .resolve("chain.db");
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : home.resolve(".local").resolve("share");
    return base.resolve("aegis").resolve("chain.db");
  }
}
