package dev.aegis.cli.ctl;

import dev.aegis.guard.manifest.Manifest;
import dev.aegis.guard.manifest.ManifestException;
import dev.aegis.guard.manifest.ManifestIntegrity;
import dev.aegis.guard.manifest.ManifestLoader;
import dev.aegis.guard.manifest.TrustPolicy;
import dev.aegis.guard.manifest.TrustResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aegisctl manifest validate}: every rule, the signature's trust and the files' hashes. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Checks a manifest: every rule, its signature and (with --dir) the server's files.",
    description = {
      "Reads FILE strictly (a duplicate or unknown key is a problem), checks every rule of"
          + " docs/manifest.md, then the signature under the trust mode, then, with --dir, every"
          + " declared file's SHA-256, undeclared files, escaping paths and the tree hash. Prints"
          + " 'valid' or 'INVALID' with every problem, one per line. Warnings go to stderr.",
      "Trust modes: dev (default) accepts an unsigned or untrusted manifest with a warning; prod"
          + " requires a valid signature by one of the --trusted-key keys."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl manifest validate aegis-manifest.json",
      "  aegisctl manifest validate m.json --trust prod --trusted-key acme.pub --dir ./server"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:valid (warnings, if any, on stderr)",
      "1:invalid: a rule, the signature (prod) or a file's hash failed; every problem is listed",
      "2:usage or configuration error: bad flags, unreadable file, key or directory"
    })
final class ManifestValidateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The manifest.")
  Path file;

  @Option(
      names = "--trust",
      paramLabel = "MODE",
      description = "Trust mode: dev or prod (default: dev).")
  String trust = "dev";

  @Option(
      names = "--trusted-key",
      paramLabel = "PEM",
      description = "A trusted Ed25519 public key (PEM); repeatable.")
  List<Path> trustedKeys = new ArrayList<>();

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Check the server's files in DIR against integrity (FILE itself is left out).")
  Path dir;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    TrustPolicy policy = policy();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] bytes = ManifestCommandSupport.read(file);
    Manifest m;
    try {
      m = ManifestLoader.parse(bytes);
    } catch (ManifestException e) {
      ManifestCommandSupport.printInvalid(out, file, e.problems());
      return AegisCtl.EXIT_INVALID;
    }
    List<String> problems = new ArrayList<>();
    TrustResult trusted = policy.check(m);
    if (!trusted.accepted()) {
      problems.add(trusted.message());
    }
    if (dir != null) {
      problems.addAll(integrity(m));
    }
    if (!problems.isEmpty()) {
      ManifestCommandSupport.printInvalid(out, file, problems);
      return AegisCtl.EXIT_INVALID;
    }
    trusted.warning().ifPresent(w -> err.println("aegisctl: warning: " + w));
    err.flush();
    out.println(
        "valid  "
            + file
            + ": "
            + m.name()
            + " "
            + m.version()
            + " by "
            + m.publisher()
            + ", "
            + m.permissions().tools().size()
            + " tools, "
            + (trusted.status() == TrustResult.Status.TRUSTED
                ? trusted.message()
                : m.integrity().signature().isPresent() ? "signature not trusted" : "unsigned")
            + (dir == null ? "" : ", " + m.integrity().files().size() + " files verified"));
    out.flush();
    return AegisCtl.EXIT_OK;
  }

  private TrustPolicy policy() {
    TrustPolicy.Mode mode;
    try {
      mode = TrustPolicy.Mode.parse(trust);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--trust: " + e.getMessage());
    }
    if (mode == TrustPolicy.Mode.PROD && trustedKeys.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--trust prod needs at least one --trusted-key");
    }
    List<PublicKey> keys = new ArrayList<>();
    for (Path k : trustedKeys) {
      keys.add(ManifestCommandSupport.publicKey(k));
    }
    return new TrustPolicy(mode, keys);
  }

  private List<String> integrity(Manifest m) {
    try {
      return ManifestIntegrity.verify(m, dir, Set.of(file));
    } catch (IOException e) {
      throw new CtlException("--dir " + dir + ": " + CtlErrors.describe(e));
    }
  }
}
