package dev.aegis.cli.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code aegisctl manifest}: validates, shows, signs capability manifests and makes keys. */
@Command(
    name = "manifest",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Validates, shows and signs capability manifests (aegis-manifest.json).",
    description = {
      "A capability manifest declares what an MCP server's tools may do; aegis-proxy denies"
          + " everything else. See docs/manifest.md for every field and rule."
    },
    subcommands = {
      ManifestValidateCommand.class,
      ManifestShowCommand.class,
      ManifestKeygenCommand.class,
      ManifestSignCommand.class,
      ManifestInitCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl manifest validate aegis-manifest.json",
      "  aegisctl manifest show aegis-manifest.json --json",
      "  aegisctl manifest keygen --out ~/.aegis/publisher",
      "  aegisctl manifest sign aegis-manifest.json --key ~/.aegis/publisher.key --dir ./server",
      "  aegisctl manifest validate aegis-manifest.json --trust prod"
          + " --trusted-key publisher.pub --dir ./server"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success; the manifest is valid",
      "1:the manifest is invalid (every problem is listed)",
      "2:usage or configuration error: bad flags, unreadable file or key"
    })
final class ManifestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "missing command (one of: "
            + String.join(
                ", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList())
            + ")");
  }
}
