package dev.aegis.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Netty stays out of the guard, chain and frame code, and only the cli module wires concrete
 * classes (DESIGN.md, "Where each thing lives").
 */
class LayeringTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static List<String> offenders(String module, String forbidden) throws IOException {
    Path src = ROOT.resolve(module).resolve("src/main/java");
    if (!Files.isDirectory(src)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(src)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> read(p).contains("import " + forbidden))
          .map(p -> ROOT.relativize(p).toString())
          .toList();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void nettyStaysOutOfCoreGuardAndChain() throws IOException {
    for (String module : List.of("proxy-core", "guard", "chain-store", "transport-stdio")) {
      assertThat(offenders(module, "io.netty")).as(module).isEmpty();
    }
  }

  @Test
  void coreKnowsNoTransportStoreOrCli() throws IOException {
    for (String pkg : List.of("dev.aegis.store", "dev.aegis.transport", "dev.aegis.cli")) {
      assertThat(offenders("proxy-core", pkg)).as(pkg).isEmpty();
    }
    assertThat(offenders("transport-stdio", "dev.aegis.store")).isEmpty();
    assertThat(offenders("transport-http", "dev.aegis.store")).isEmpty();
    assertThat(offenders("transport-http", "dev.aegis.guard")).isEmpty();
    assertThat(offenders("chain-store", "dev.aegis.transport")).isEmpty();
  }
}
