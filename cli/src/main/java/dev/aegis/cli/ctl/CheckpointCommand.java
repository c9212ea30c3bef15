package dev.aegis.cli.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code aegisctl checkpoint}: the signed checkpoints aegis-proxy stores beside the chain. */
@Command(
    name = "checkpoint",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Exports the signed checkpoints of chains, for publishing or a witness.",
    description = {
      "aegis-proxy stores a checkpoint (tenant, session, seq, head hash, time; Ed25519-signed"
          + " with --checkpoint-key) every --checkpoint-every events and at termination. A copy"
          + " kept elsewhere lets aegisctl verify --checkpoints catch a store whose events and"
          + " checkpoints were both cut. See docs/verify.md."
    },
    subcommands = {CheckpointExportCommand.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl checkpoint export > checkpoints.txt",
      "  aegisctl checkpoint export --session 7f3c --out witness.txt"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:usage or configuration error, or the store is unavailable"})
final class CheckpointCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand AegisCtl ctl;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command (one of: export)");
  }
}
