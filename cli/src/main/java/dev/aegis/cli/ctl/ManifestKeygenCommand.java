package dev.aegis.cli.ctl;

import dev.aegis.guard.manifest.ManifestKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aegisctl manifest keygen}: a new Ed25519 key pair for signing manifests. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Creates an Ed25519 key pair for signing manifests.",
    description = {
      "Writes PREFIX.key (the private key, PKCS#8 PEM, created with mode 600) and PREFIX.pub (the"
          + " public key, X.509 PEM, to give to whoever verifies with --trusted-key), and prints"
          + " the key id: the first 16 hex digits of SHA-256 of the public key. Existing files are"
          + " not overwritten unless --force is given. OpenSSL reads and writes the same format."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl manifest keygen --out ~/.aegis/acme",
      "  openssl genpkey -algorithm ed25519 -out acme.key   # the same, with OpenSSL"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:written", "2:usage error, existing file, or unwritable location"})
final class ManifestKeygenCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      required = true,
      paramLabel = "PREFIX",
      description = "Write PREFIX.key and PREFIX.pub.")
  String prefix;

  @Option(names = "--force", description = "Replace existing PREFIX.key and PREFIX.pub.")
  boolean force;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Path key = Path.of(prefix + ".key");
    Path pub = Path.of(prefix + ".pub");
    if (!force) {
      for (Path p : new Path[] {key, pub}) {
        if (Files.exists(p)) {
          throw new CtlException(p + " exists; not overwritten (use --force to replace it)");
        }
      }
    }
    KeyPair pair = ManifestKeys.generate();
    writePrivate(key, ManifestKeys.privatePem(pair.getPrivate()));
    ManifestCommandSupport.writeAtomically(
        pub, ManifestKeys.publicPem(pair.getPublic()).getBytes(StandardCharsets.US_ASCII));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "wrote "
            + key
            + " (private: keep it secret) and "
            + pub
            + "; key_id "
            + ManifestKeys.keyId(pair.getPublic()));
    out.flush();
    return AegisCtl.EXIT_OK;
  }

  /** Creates the key file with mode 600 from the start: it is never readable by others. */
  private static void writePrivate(Path key, String pem) {
    Path target = key.toAbsolutePath();
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attrs =
        posix
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0];
    try {
      Path tmp =
          Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part", attrs);
      try {
        Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new CtlException(key + " exists; not overwritten (use --force to replace it)");
    } catch (IOException e) {
      throw new CtlException("cannot write " + key + ": " + CtlErrors.describe(e));
    }
  }
}
