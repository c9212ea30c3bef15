package dev.aegis.cli.proxy;

import dev.aegis.core.approval.ApprovalSigner;
import dev.aegis.core.event.Hex;
import dev.aegis.store.ChainStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

/**
 * The HMAC key of approval tokens: 64 hex digits in a file, created (owner-only) on first use so
 * that tokens survive a proxy restart. Not thread-safe; called once at startup.
 */
final class ApprovalKeyFile {
  private ApprovalKeyFile() {}

  /** The default key file: {@code approval.key} beside the per-user default store. */
  static Path defaultPath() {
    return ChainStores.defaultSqlitePath().resolveSibling("approval.key");
  }

  /** Reads the key, creating the file with a fresh key if it does not exist. */
  static byte[] loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (!text.matches("[0-9a-fA-F]{64,}")) {
        throw new IllegalArgumentException(
            "approval-key: " + file + " does not hold a key (expected: 64 or more hex digits)");
      }
      return HexFormat.of().parseHex(text.toLowerCase(java.util.Locale.ROOT));
    } catch (IOException e) {
      throw new IllegalArgumentException("approval-key: cannot read or create " + file + ": " + e);
    }
  }

  private static void create(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    byte[] line = (Hex.of(ApprovalSigner.newKey()) + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      Files.write(file, line, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      return; // another proxy created it first: use theirs
    }
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's permissions apply
    }
  }
}
