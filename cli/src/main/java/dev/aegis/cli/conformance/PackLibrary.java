package dev.aegis.cli.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shipped packs: every {@code *.yaml} under {@code conformance/cases/decide} (stateless cases,
 * shared with the engine contract test and {@code opa eval}), {@code conformance/packs} (multi-step
 * cases) and {@code conformance/mcp} (MCP packs, run through a real proxy) of the installation
 * ({@code -Daegis.home}, set by the bin/ launchers). Stateless: reads the files on every call.
 */
public final class PackLibrary {
  /** The directories packs are shipped in, relative to the installation. */
  public static final List<String> DIRECTORIES =
      List.of("conformance/cases/decide", "conformance/packs", "conformance/mcp");

  private final Path home;

  /** A library over the installation at {@code home}. */
  public PackLibrary(Path home) {
    this.home = home;
  }

  /** The library of this installation: {@code -Daegis.home}, else the working directory. */
  public static PackLibrary installed() {
    return new PackLibrary(Path.of(System.getProperty("aegis.home", ".")));
  }

  /** Every shipped pack, directory by directory, files in name order; a bad file throws. */
  public List<Pack> all() throws IOException {
    List<Pack> packs = new ArrayList<>();
    for (String d : DIRECTORIES) {
      Path dir = home.resolve(d);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
          packs.add(Pack.read(f));
        }
      }
    }
    return packs;
  }

  /**
   * The pack a {@code --pack} value names: an existing file, else a shipped pack by name (a seed
   * pack also by its name without {@code seed-}); unknown names throw {@link IOException}.
   */
  public Pack find(String nameOrFile) throws IOException {
    Path file = Path.of(nameOrFile);
    if (Files.isRegularFile(file)) {
      return Pack.read(file);
    }
    List<Pack> packs = all();
    for (Pack p : packs) {
      if (p.name().equals(nameOrFile) || p.name().equals("seed-" + nameOrFile)) {
        return p;
      }
    }
    throw new IOException(
        "no pack named "
            + nameOrFile
            + " (and no such file); shipped: "
            + String.join(", ", packs.stream().map(Pack::name).toList()));
  }
}
