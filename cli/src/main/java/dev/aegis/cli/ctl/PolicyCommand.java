package dev.aegis.cli.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code aegisctl policy}: works with the decide policy offline. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Evaluates the decide policy offline.",
    description = "Evaluates the decide policy (built in, or a bundle of your own) offline.",
    subcommands = {PolicyEvalCommand.class})
final class PolicyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command (one of: eval)");
  }
}
