package dev.aegis.cli.api;

import dev.aegis.transport.http.TlsFiles;
import java.nio.file.Path;

/** Turns the {@code --…tls-cert}, {@code --…tls-key}, {@code --…tls-client-ca} flags into files. */
public final class TlsFlags {
  private TlsFlags() {}

  /**
   * The TLS files, or null when none of the flags is set; {@link IllegalArgumentException} naming
   * the flags (with {@code prefix}, e.g. {@code "admin-"}) when only some of them are.
   */
  public static TlsFiles files(String prefix, String cert, String key, String clientCa) {
    if (cert == null && key == null && clientCa == null) {
      return null;
    }
    if (cert == null || key == null) {
      throw new IllegalArgumentException(
          prefix
              + "tls-cert, "
              + prefix
              + "tls-key: "
              + (cert == null ? "cert missing" : "key missing")
              + " (expected: both PEM files, and "
              + prefix
              + "tls-client-ca only with them)");
    }
    return new TlsFiles(Path.of(cert), Path.of(key), clientCa == null ? null : Path.of(clientCa));
  }
}
