package dev.aegis.cli.ctl;

import dev.aegis.guard.manifest.ManifestKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;

/** What the manifest subcommands share: reading files and keys, reporting, atomic writes. */
final class ManifestCommandSupport {
  private ManifestCommandSupport() {}

  /** The bytes of a file; a failure is a one-line {@link CtlException}. */
  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CtlException(file + ": " + CtlErrors.describe(e));
    }
  }

  /** Reads an Ed25519 private key PEM file; a failure is a one-line {@link CtlException}. */
  static PrivateKey privateKey(Path file) {
    try {
      return ManifestKeys.readPrivate(file);
    } catch (IOException e) {
      throw keyProblem(file, e);
    }
  }

  /** Reads an Ed25519 public key PEM file; a failure is a one-line {@link CtlException}. */
  static PublicKey publicKey(Path file) {
    try {
      return ManifestKeys.readPublic(file);
    } catch (IOException e) {
      throw keyProblem(file, e);
    }
  }

  private static CtlException keyProblem(Path file, IOException e) {
    return new CtlException(
        e instanceof FileSystemException ? file + ": " + CtlErrors.describe(e) : e.getMessage());
  }

  /** Prints the verdict line for an invalid manifest and every problem, indented. */
  static void printInvalid(PrintWriter out, Path file, List<String> problems) {
    out.println(
        "INVALID  "
            + file
            + ": "
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems"));
    for (String p : problems) {
      out.println("  " + p);
    }
    out.flush();
  }

  /**
   * Replaces the file with the bytes atomically: a temporary file beside it, then a rename. The
   * file keeps its permissions; a new file is readable by all (rw-r--r--), like a manifest or a
   * public key should be.
   */
  static void writeAtomically(Path file, byte[] bytes) {
    Path target = file.toAbsolutePath();
    try {
      Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
      try {
        Files.write(tmp, bytes);
        if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
          Files.setPosixFilePermissions(
              tmp,
              Files.exists(target)
                  ? Files.getPosixFilePermissions(target)
                  : PosixFilePermissions.fromString("rw-r--r--"));
        }
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new CtlException("cannot write " + file + ": " + CtlErrors.describe(e));
    }
  }
}
