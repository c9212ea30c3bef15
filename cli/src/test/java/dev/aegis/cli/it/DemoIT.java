package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README command 1 ends in bin/aegis-demo: it must run, refuse delete_note and verify. */
class DemoIT {
  @TempDir Path dir;

  @Test
  void demoRunsDecidesAndVerifies() throws Exception {
    String store = "sqlite:" + dir.resolve("demo.db");
    try (ProxyProcess demo = ProxyProcess.start("aegis-demo", List.of("--store", store))) {
      assertThat(demo.waitFor(120)).as(demo.stderr()).isZero();
      assertThat(demo.stdout())
          .contains("1 refused [delete_note APPROVAL_DENIED]")
          .contains("chain           VALID")
          .contains(store);
    }
  }
}
