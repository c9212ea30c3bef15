package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default store location on every platform, and the AEGIS_STORE override. */
final class DefaultLocationTest {
  private static final Path HOME = Path.of("/home/ada");

  @Test
  void linuxUsesXdgDataHomeWhenAbsolute() {
    assertThat(DefaultLocation.sqlitePath(Map.of("XDG_DATA_HOME", "/data/ada"), "Linux", HOME))
        .isEqualTo(Path.of("/data/ada/aegis/chain.db"));
  }

  @Test
  void linuxFallsBackToLocalShare() {
    assertThat(DefaultLocation.sqlitePath(Map.of(), "Linux", HOME))
        .isEqualTo(Path.of("/home/ada/.local/share/aegis/chain.db"));
    assertThat(DefaultLocation.sqlitePath(Map.of("XDG_DATA_HOME", "relative"), "Linux", HOME))
        .isEqualTo(Path.of("/home/ada/.local/share/aegis/chain.db"));
  }

  @Test
  void macOsUsesApplicationSupport() {
    assertThat(DefaultLocation.sqlitePath(Map.of(), "Mac OS X", HOME))
        .isEqualTo(Path.of("/home/ada/Library/Application Support/Aegis/chain.db"));
  }

  @Test
  void windowsUsesLocalAppData() {
    Path local = Path.of("/c/Users/ada/AppData/Local");
    assertThat(
            DefaultLocation.sqlitePath(
                Map.of("LOCALAPPDATA", local.toString()), "Windows 11", HOME))
        .isEqualTo(local.resolve("Aegis").resolve("chain.db"));
    assertThat(DefaultLocation.sqlitePath(Map.of(), "Windows 11", HOME))
        .isEqualTo(HOME.resolve("AppData/Local/Aegis/chain.db"));
  }

  @Test
  void aegisStoreOverridesTheDefaultUrl() {
    assertThat(
            DefaultLocation.url(Map.of("AEGIS_STORE", " postgresql://a@h:5432/d "), "Linux", HOME))
        .isEqualTo("postgresql://a@h:5432/d");
    assertThat(DefaultLocation.url(Map.of("AEGIS_STORE", " "), "Linux", HOME))
        .isEqualTo("sqlite:/home/ada/.local/share/aegis/chain.db");
  }

  @Test
  void thePublicDefaultsAgree() {
    assertThat(ChainStores.defaultSqlitePath()).isAbsolute().endsWithRaw(Path.of("chain.db"));
    if (System.getenv("AEGIS_STORE") == null) {
      assertThat(ChainStores.defaultUrl()).isEqualTo("sqlite:" + ChainStores.defaultSqlitePath());
    }
  }
}
