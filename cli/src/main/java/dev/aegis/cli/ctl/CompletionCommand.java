package dev.aegis.cli.ctl;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code aegisctl completion}: prints a bash (and zsh) completion script. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    header = "Prints a bash completion script.",
    description = "Prints a bash completion script for aegisctl (zsh: after bashcompinit).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  source <(aegisctl completion)                      # this shell",
      "  aegisctl completion > ~/.local/share/bash-completion/completions/aegisctl"
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return AegisCtl.EXIT_OK;
  }
}
