package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.guard.manifest.Manifest;
import dev.aegis.guard.manifest.ManifestException;
import dev.aegis.guard.manifest.ManifestIntegrity;
import dev.aegis.guard.manifest.ManifestKeys;
import dev.aegis.guard.manifest.ManifestLoader;
import dev.aegis.guard.manifest.ManifestSigner;
import dev.aegis.guard.manifest.ManifestWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aegisctl manifest sign}: records the server's files and signs the manifest. */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Signs a manifest with an Ed25519 key, recording the server's files with --dir.",
    description = {
      "With --dir, first replaces integrity.files and integrity.tree_sha256 with the SHA-256 of"
          + " every file in DIR (FILE and --out are left out; a symlink leaving DIR is an error)."
          + " Then validates the manifest, signs the RFC 8785 bytes of the manifest without"
          + " integrity.signature, and writes it with integrity.signature, keys in documented"
          + " order, pretty-printed. FILE is replaced atomically unless --out is given.",
      "Nothing is written when the manifest is invalid."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl manifest sign aegis-manifest.json --key acme.key --dir ./server",
      "  aegisctl manifest sign draft.json --key acme.key --out aegis-manifest.json"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:signed and written",
      "1:the manifest (or a file in --dir) is invalid; every problem is listed",
      "2:usage error, unreadable file or key, unwritable output"
    })
final class ManifestSignCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The manifest to sign.")
  Path file;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "PEM",
      description = "The Ed25519 private key (PKCS#8 PEM, from keygen or openssl genpkey).")
  Path key;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Record every file in DIR in integrity.files and integrity.tree_sha256.")
  Path dir;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the signed manifest here instead of replacing FILE.")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    Path target = out != null ? out : file;
    PrivateKey privateKey = ManifestCommandSupport.privateKey(key);
    byte[] bytes = ManifestCommandSupport.read(file);
    try {
      if (dir != null) {
        bytes = withIntegrity(bytes, target);
      }
      Manifest m = ManifestLoader.parse(bytes);
      ObjectNode signed = ManifestSigner.sign(m.json(), privateKey);
      byte[] written = ManifestWriter.write(signed);
      PublicKey publicKey = ManifestKeys.publicKeyOf(privateKey);
      if (!ManifestSigner.verify(ManifestLoader.parse(written), publicKey)) {
        throw new IllegalStateException("the new signature does not verify");
      }
      ManifestCommandSupport.writeAtomically(target, written);
      Manifest.Integrity integrity = m.integrity();
      stdout.println(
          "signed  "
              + target
              + ": key_id "
              + ManifestKeys.keyId(publicKey)
              + (dir == null
                  ? ""
                  : ", "
                      + integrity.files().size()
                      + " files, tree_sha256 "
                      + integrity.treeSha256().orElse("-")));
      stdout.flush();
      return AegisCtl.EXIT_OK;
    } catch (ManifestException e) {
      ManifestCommandSupport.printInvalid(stdout, file, e.problems());
      return AegisCtl.EXIT_INVALID;
    }
  }

  /** The manifest with integrity.files and tree_sha256 computed from --dir. */
  private byte[] withIntegrity(byte[] bytes, Path target) throws ManifestException {
    if (isInside(key, dir)) {
      throw new CtlException(
          "the private key " + key + " is inside --dir " + dir + "; move it out of the directory");
    }
    JsonNode root;
    try {
      root = Json.parse(bytes);
    } catch (IOException e) {
      ManifestLoader.parse(bytes); // throws the problem in the loader's words
      throw new CtlException(file + ": not JSON");
    }
    if (!(root instanceof ObjectNode manifest)) {
      ManifestLoader.parse(bytes);
      throw new CtlException(file + ": not a JSON object");
    }
    ManifestIntegrity.Tree tree;
    try {
      tree = ManifestIntegrity.compute(dir, new HashSet<>(List.of(file, target)));
    } catch (IOException e) {
      throw new CtlException("--dir " + dir + ": " + CtlErrors.describe(e));
    }
    JsonNode existing = manifest.get("integrity");
    ObjectNode integrity = existing instanceof ObjectNode o ? o : manifest.putObject("integrity");
    ObjectNode files = Json.object();
    for (Map.Entry<String, String> e : tree.files().entrySet()) {
      files.put(e.getKey(), e.getValue());
    }
    integrity.set("files", files);
    integrity.put("tree_sha256", tree.treeSha256());
    return Json.write(manifest).getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isInside(Path file, Path dir) {
    try {
      return Files.exists(file) && file.toRealPath().startsWith(dir.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }
}
