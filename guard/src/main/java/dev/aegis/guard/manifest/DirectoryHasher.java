package dev.aegis.guard.manifest;

import dev.aegis.core.event.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Walks a directory without following symlinks and hashes every file. A symlink to a file inside
 * the directory is hashed as that file; a symlink leaving the directory (or dangling, or to a
 * directory), a special file, or a name that cannot be written as a relative path is reported and
 * never read.
 */
final class DirectoryHasher {
  /**
   * The walk's outcome.
   *
   * @param files relative path → SHA-256 of every hashable file
   * @param problems one line per file that could not be hashed
   * @param unlisted relative paths of those files
   */
  record Result(SortedMap<String, String> files, List<String> problems, Set<String> unlisted) {}

  private static final String RELPATH = ManifestIntegrity.RELPATH_EXPECTED;
  private static final String REGULAR = "regular files and directories only";
  private static final String LINKS = "symlinks to files inside the directory";

  private DirectoryHasher() {}

  static Result hash(Path dir, Set<Path> excluded) throws IOException {
    Path root = dir.toRealPath();
    if (!Files.isDirectory(root)) {
      throw new NotDirectoryException(dir.toString());
    }
    Set<Path> skip = new HashSet<>();
    for (Path e : excluded) {
      skip.add(Files.exists(e) ? e.toRealPath() : e.toAbsolutePath().normalize());
    }
    Map<String, String> files = new HashMap<>();
    Map<String, String> problems = new TreeMap<>(ManifestIntegrity.PATH_ORDER);
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (skip.contains(file)) {
              return FileVisitResult.CONTINUE;
            }
            String rel = relative(root, file);
            String field = ManifestIntegrity.fileField(rel);
            String bad = ManifestIntegrity.relPathProblem(rel).orElse(null);
            if (bad != null) {
              problems.put(rel, Problems.line(field, "file name " + bad, RELPATH));
            } else if (attrs.isSymbolicLink()) {
              link(root, file, rel, field);
            } else if (attrs.isRegularFile()) {
              files.put(rel, sha256(file));
            } else {
              problems.put(rel, Problems.line(field, "is not a regular file", REGULAR));
            }
            return FileVisitResult.CONTINUE;
          }

          private void link(Path root, Path file, String rel, String field) throws IOException {
            Path target;
            try {
              target = file.toRealPath();
            } catch (NoSuchFileException e) {
              problems.put(rel, Problems.line(field, "is a dangling symlink", LINKS));
              return;
            }
            if (!target.startsWith(root)) {
              problems.put(
                  rel,
                  Problems.line(
                      field, "is a symlink escaping the directory (to " + target + ")", LINKS));
            } else if (!Files.isRegularFile(target)) {
              problems.put(
                  rel, Problems.line(field, "is a symlink to a directory or special file", LINKS));
            } else {
              files.put(rel, sha256(target));
            }
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            throw e;
          }
        });
    return new Result(
        ManifestIntegrity.sortedCopy(files),
        List.copyOf(problems.values()),
        Set.copyOf(problems.keySet()));
  }

  private static String relative(Path root, Path file) {
    List<String> parts = new ArrayList<>();
    for (Path name : root.relativize(file)) {
      parts.add(name.toString());
    }
    return String.join("/", parts);
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = Hex.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return Hex.of(md.digest());
  }
}
