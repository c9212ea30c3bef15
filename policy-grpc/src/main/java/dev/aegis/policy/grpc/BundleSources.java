package dev.aegis.policy.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The digest of the Rego sources a sidecar serves: SHA-256 (lowercase hex) of the non-test {@code
 * .rego} files of each directory, in the order given, each directory's files sorted by relative
 * path and concatenated. For {@code policies/aegis} alone this is the {@code sources-sha256} of
 * {@code policies/build/SOURCES.sha256}.
 */
final class BundleSources {
  private BundleSources() {}

  static String digest(List<Path> directories) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path dir : directories) {
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException("bundleDirectories: " + dir + " is not a directory");
        }
        for (Path file : sources(dir)) {
          sha.update(Files.readAllBytes(file));
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> sources(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".rego") && !f.toString().endsWith("_test.rego"))
          .sorted((a, b) -> dir.relativize(a).toString().compareTo(dir.relativize(b).toString()))
          .toList();
    }
  }
}
