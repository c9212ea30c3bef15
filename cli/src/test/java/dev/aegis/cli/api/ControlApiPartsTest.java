package dev.aegis.cli.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens, listen addresses and listing cursors. */
class ControlApiPartsTest {
  @TempDir Path dir;

  @Test
  void tokensFromFileAndEnvironmentAreAcceptedOthersAreNot() throws Exception {
    Path f = dir.resolve("tokens");
    Files.writeString(f, "# ops\n  alpha-1  \n\nbeta-2\n");
    BearerTokens t = BearerTokens.load(f, "gamma-3, ,delta-4");
    assertThat(t.required()).isTrue();
    for (String ok : new String[] {"alpha-1", "beta-2", "gamma-3", "delta-4"}) {
      assertThat(t.accepts("Bearer " + ok)).as(ok).isTrue();
    }
    assertThat(t.accepts("bearer alpha-1")).isTrue();
    assertThat(t.accepts("Bearer # ops")).isFalse();
    assertThat(t.accepts("Bearer alpha")).isFalse();
    assertThat(t.accepts("Basic alpha-1")).isFalse();
    assertThat(t.accepts(null)).isFalse();
    assertThat(t.toString()).doesNotContain("alpha");
  }

  @Test
  void noTokensMeansNoneRequiredAndAnEmptyFileIsAnError() throws Exception {
    assertThat(BearerTokens.load(null, null).required()).isFalse();
    assertThat(BearerTokens.none().accepts("Bearer x")).isFalse();
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "# nothing\n");
    assertThatThrownBy(() -> BearerTokens.load(empty, null)).hasMessageContaining("no token");
    assertThatThrownBy(() -> BearerTokens.load(dir.resolve("missing"), null))
        .hasMessageContaining("cannot read");
  }

  @Test
  void listenAddressesAndCursorsRoundTrip() {
    assertThat(ListenAddress.parse("listen", "127.0.0.1:8787").getPort()).isEqualTo(8787);
    assertThat(ListenAddress.parse("listen", "[::1]:0").getAddress().isLoopbackAddress()).isTrue();
    assertThatThrownBy(() -> ListenAddress.parse("listen", "8787"))
        .hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> ListenAddress.parse("listen", "h:99999")).hasMessageContaining("port");
    EventRoutes.Cursor c = new EventRoutes.Cursor("sess:with:colons", 41);
    assertThat(EventRoutes.Cursor.decode(c.encode())).isEqualTo(c);
    assertThat(EventRoutes.Cursor.decode(null)).isNull();
    assertThatThrownBy(() -> EventRoutes.Cursor.decode("!!")).isInstanceOf(ApiException.class);
  }
}
