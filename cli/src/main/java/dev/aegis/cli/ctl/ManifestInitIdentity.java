package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.guard.manifest.Manifest;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The manifest's name, version and publisher: the flags when given, else the server's {@code
 * serverInfo}, else a placeholder with a note. Versions become SemVer where that is unambiguous.
 *
 * @param name the server's name
 * @param version a SemVer 2.0 version
 * @param publisher who publishes the manifest
 */
record ManifestInitIdentity(String name, String version, String publisher) {
  /** The version written when the server's cannot be read as SemVer. */
  static final String FALLBACK_VERSION = "0.1.0";

  /** The publisher written when --publisher is not given. */
  static final String UNKNOWN_PUBLISHER = "unknown";

  /** One to three dot-separated numbers, an optional leading v: "1.2", "v3", "2025.08.21". */
  private static final Pattern NUMERIC = Pattern.compile("[vV]?([0-9]{1,18})(\\.[0-9]{1,18}){0,2}");

  /** Resolves each field from the flag (may be null), the serverInfo, or a placeholder. */
  static ManifestInitIdentity resolve(
      String name,
      String version,
      String publisher,
      JsonNode serverInfo,
      String command,
      Consumer<String> note) {
    if (version != null && !Manifest.isSemVer(version)) {
      throw new CtlException(
          "--version: \"" + version + "\" is not a SemVer 2.0 version (expected: e.g. 1.0.0)");
    }
    if (name != null && name.isBlank()) {
      throw new CtlException("--name: is blank (expected: a non-empty string)");
    }
    if (publisher != null && publisher.isBlank()) {
      throw new CtlException("--publisher: is blank (expected: a non-empty string)");
    }
    return new ManifestInitIdentity(
        name != null ? name : serverName(serverInfo, command, note),
        version != null ? version : serverVersion(serverInfo, note),
        publisher != null ? publisher : unknownPublisher(note));
  }

  private static String serverName(JsonNode serverInfo, String command, Consumer<String> note) {
    JsonNode n = serverInfo.path("name");
    if (n.isTextual() && !n.asText().isBlank()) {
      return n.asText();
    }
    Path file = Path.of(command).getFileName();
    String name = file == null ? command : file.toString();
    note.accept(
        "the server sent no serverInfo.name; name set to \"" + name + "\" (--name sets it)");
    return name;
  }

  private static String serverVersion(JsonNode serverInfo, Consumer<String> note) {
    JsonNode v = serverInfo.path("version");
    String given = v.isTextual() ? v.asText().strip() : "";
    String semver = semver(given);
    if (semver == null) {
      note.accept(
          (given.isEmpty()
                  ? "the server sent no serverInfo.version"
                  : "server version \"" + given + "\" is not SemVer")
              + "; version set to "
              + FALLBACK_VERSION
              + " (--version sets it)");
      return FALLBACK_VERSION;
    }
    if (!semver.equals(given)) {
      note.accept("server version \"" + given + "\" written as SemVer " + semver);
    }
    return semver;
  }

  private static String unknownPublisher(Consumer<String> note) {
    note.accept("publisher set to \"" + UNKNOWN_PUBLISHER + "\" (--publisher sets it)");
    return UNKNOWN_PUBLISHER;
  }

  /** The version as SemVer: as is, or numbers padded to three ("1.2" → "1.2.0"); else null. */
  static String semver(String version) {
    if (Manifest.isSemVer(version)) {
      return version;
    }
    if (!NUMERIC.matcher(version).matches()) {
      return null;
    }
    String[] parts = version.replaceFirst("^[vV]", "").split("\\.");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      out.append(i == 0 ? "" : ".").append(i < parts.length ? new BigInteger(parts[i]) : "0");
    }
    return out.toString();
  }
}
