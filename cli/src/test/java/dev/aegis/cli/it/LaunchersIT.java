package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launchers work from any working directory and through symlinks, as MCP clients use them. */
class LaunchersIT {
  @TempDir Path dir;

  private static String run(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void launchersRunFromElsewhereAndThroughSymlinks() throws Exception {
    Path link = dir.resolve("aegis-proxy");
    Files.createSymbolicLink(link, ProxyProcess.bin("aegis-proxy"));
    Path nested = Files.createDirectories(dir.resolve("a/b"));
    Path relativeLink = nested.resolve("ctl");
    Files.createSymbolicLink(relativeLink, nested.relativize(ProxyProcess.bin("aegisctl")));
    assertThat(run(dir, link.toString(), "--version")).startsWith("aegis-proxy ");
    assertThat(run(nested, "./ctl", "--version")).startsWith("aegisctl ");
  }
}
