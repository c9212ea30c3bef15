package dev.aegis.guard.manifest;

import dev.aegis.core.event.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Integrity of a server's files against a manifest: every declared file's SHA-256, no undeclared
 * files, no path escaping the directory, and the tree hash. Stateless and thread-safe.
 *
 * <p>The tree hash is SHA-256 over one line {@code relpath:sha256\n} per file, sorted by the UTF-8
 * bytes of the relative path, which uses {@code /} separators.
 */
public final class ManifestIntegrity {
  /** Order of relative paths: by their UTF-8 bytes, unsigned (not Java's UTF-16 order). */
  public static final Comparator<String> PATH_ORDER = ManifestIntegrity::compareUtf8;

  static final String FILES = "integrity.files";
  static final String TREE = "integrity.tree_sha256";

  private ManifestIntegrity() {}

  /**
   * The files of a directory and their tree hash.
   *
   * @param files relative path → SHA-256 (lowercase hex), sorted by {@link #PATH_ORDER}
   * @param treeSha256 the tree hash over {@code files}
   */
  public record Tree(SortedMap<String, String> files, String treeSha256) {
    /** Copies the map. */
    public Tree {
      files = sortedCopy(files);
    }
  }

  /**
   * Hashes every file below {@code dir} except {@code dir/aegis-manifest.json}; throws {@link
   * ManifestException} if a file cannot be listed (a symlink escaping the directory, a special
   * file, a name with a control character).
   */
  public static Tree compute(Path dir) throws IOException, ManifestException {
    return compute(dir, Set.of());
  }

  /**
   * Like {@link #compute(Path)}, also leaving out the given files (the manifest being signed, if it
   * is inside {@code dir} under another name).
   */
  public static Tree compute(Path dir, Set<Path> excluded) throws IOException, ManifestException {
    DirectoryHasher.Result r = DirectoryHasher.hash(dir, withManifest(dir, excluded));
    if (!r.problems().isEmpty()) {
      throw new ManifestException(r.problems());
    }
    return new Tree(r.files(), treeHash(r.files()));
  }

  /**
   * Checks the directory against the manifest's integrity section, leaving out {@code
   * dir/aegis-manifest.json}; returns every problem found, empty when intact.
   */
  public static List<String> verify(Manifest manifest, Path dir) throws IOException {
    return verify(manifest, dir, Set.of());
  }

  /** Like {@link #verify(Manifest, Path)}, also leaving out the given files. */
  public static List<String> verify(Manifest manifest, Path dir, Set<Path> excluded)
      throws IOException {
    Problems p = new Problems();
    Manifest.Integrity declared = manifest.integrity();
    if (declared.files().isEmpty() && declared.treeSha256().isEmpty()) {
      p.add(FILES, "nothing declared", "integrity written by aegisctl manifest sign --dir");
      return p.lines();
    }
    for (String path : declared.files().keySet()) {
      relPathProblem(path).ifPresent(why -> p.add(fileField(path), why, RELPATH_EXPECTED));
    }
    DirectoryHasher.Result actual = DirectoryHasher.hash(dir, withManifest(dir, excluded));
    List<String> out = new ArrayList<>(p.lines());
    out.addAll(actual.problems());
    Problems q = new Problems();
    for (Map.Entry<String, String> e : declared.files().entrySet()) {
      String path = e.getKey();
      String sha = actual.files().get(path);
      if (relPathProblem(path).isPresent() || actual.unlisted().contains(path)) {
        continue;
      }
      if (sha == null) {
        q.add(fileField(path), "declared, but no such file in " + dir, "the declared file");
      } else if (!sha.equals(e.getValue())) {
        q.add(
            fileField(path),
            "file has SHA-256 " + sha + ", declared " + e.getValue(),
            "the declared SHA-256; the file was changed");
      }
    }
    for (String path : actual.files().keySet()) {
      if (!declared.files().containsKey(path)) {
        q.add(
            fileField(path),
            "not declared, but the file exists in " + dir,
            "every file of the directory declared");
      }
    }
    String tree = treeHash(actual.files());
    declared
        .treeSha256()
        .filter(d -> !d.equals(tree))
        .ifPresent(
            d ->
                q.add(
                    TREE,
                    "the directory's tree hash is " + tree + ", declared " + d,
                    "the declared tree hash"));
    out.addAll(q.lines());
    return List.copyOf(out);
  }

  /** SHA-256 over {@code relpath:sha256\n} lines sorted by the UTF-8 bytes of relpath. */
  public static String treeHash(Map<String, String> files) {
    MessageDigest md = Hex.newSha256();
    files.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(PATH_ORDER))
        .forEach(
            e ->
                md.update(
                    (e.getKey() + ":" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8)));
    return Hex.of(md.digest());
  }

  static final String RELPATH_EXPECTED =
      "a relative path with \"/\" separators inside the directory, without \".\", \"..\" or"
          + " empty segments";

  /** Why a declared path is not a clean relative path; empty when it is. */
  static Optional<String> relPathProblem(String path) {
    if (path.isEmpty()) {
      return Optional.of("is empty");
    }
    if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return Optional.of("has a control character");
    }
    if (path.startsWith("/") || path.matches("[A-Za-z]:.*")) {
      return Optional.of("is an absolute path");
    }
    if (path.indexOf('\\') >= 0) {
      return Optional.of("has a \"\\\" (separators are \"/\")");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        return Optional.of("has a \"..\" segment, which escapes the directory");
      }
      if (segment.equals(".") || segment.isEmpty()) {
        return Optional.of("has a \".\" or empty segment");
      }
    }
    return Optional.empty();
  }

  private static Set<Path> withManifest(Path dir, Set<Path> excluded) {
    Set<Path> all = new HashSet<>(excluded);
    all.add(dir.resolve(Manifest.FILE_NAME));
    return all;
  }

  /** An unmodifiable copy sorted by {@link #PATH_ORDER}. */
  static SortedMap<String, String> sortedCopy(Map<String, String> files) {
    TreeMap<String, String> copy = new TreeMap<>(PATH_ORDER);
    copy.putAll(files);
    return Collections.unmodifiableSortedMap(copy);
  }

  static String fileField(String path) {
    return FILES + "[" + Problems.quote(path) + "]";
  }

  private static int compareUtf8(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return Arrays.compareUnsigned(x, y);
  }
}
