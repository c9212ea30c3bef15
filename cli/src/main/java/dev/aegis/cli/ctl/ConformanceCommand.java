package dev.aegis.cli.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code aegisctl conformance}: runs and lists the conformance packs. */
@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Runs conformance packs against the policy in-process or a control API.",
    description = {
      "A pack is a YAML file of decision cases (an input and the decision it must get) and"
          + " multi-step cases (events ingested into a fresh session, then the decision of the"
          + " last proposal). See docs/conformance.md."
    },
    subcommands = {ConformanceRunCommand.class, ConformanceListCommand.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl conformance list",
      "  aegisctl conformance run --pack egress --pack session-taint",
      "  aegisctl conformance run --all --target http://127.0.0.1:8080 --report junit --out c.xml"
    })
final class ConformanceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command (one of: run, list)");
  }
}
