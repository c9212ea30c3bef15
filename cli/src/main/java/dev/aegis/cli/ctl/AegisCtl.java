package dev.aegis.cli.ctl;

import static java.util.Objects.requireNonNull;

import dev.aegis.cli.Version;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code aegisctl} command: inspects, verifies and exports the chains aegis-proxy seals. */
@Command(
    name = "aegisctl",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    description = "Inspects, verifies and exports the tamper-evident chains sealed by aegis-proxy.",
    subcommands = {
      VerifyCommand.class,
      ExportCommand.class,
      CheckpointCommand.class,
      RedactCommand.class,
      ShredCommand.class,
      SessionsCommand.class,
      PinsCommand.class,
      PolicyCommand.class,
      ManifestCommand.class,
      ApprovalsCommand.class,
      ApproveCommand.class,
      ReplayCommand.class,
      ConformanceCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl sessions",
      "  aegisctl pins list",
      "  aegisctl verify --store sqlite:/var/lib/aegis/chain.db",
      "  aegisctl export --session 7f3c --out s.ndjson && aegisctl verify --file s.ndjson",
      "  aegisctl replay --session 7f3c --manifest aegis-manifest.json",
      "  source <(aegisctl completion)",
      "",
      "--store defaults to $AEGIS_STORE, else the per-user store aegis-proxy writes."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success; every chain verified is valid",
      "1:a chain is invalid (tampered, truncated in the middle, or malformed);"
          + " pins: no such pin, or nothing to approve or reset",
      "2:usage or configuration error: bad flags, bad or unreachable store, no such session"
    })
public final class AegisCtl implements Callable<Integer> {
  /** Exit code: success, every chain verified is valid. */
  static final int EXIT_OK = 0;

  /** Exit code: a chain is invalid. */
  static final int EXIT_INVALID = 1;

  /** Exit code: nothing could be verified (usage, configuration or store error). */
  static final int EXIT_USAGE = 2;

  private final OutputStream stdout;

  @Spec CommandSpec spec;

  /** A command writing binary output (exports) to {@link System#out}. */
  public AegisCtl() {
    this(System.out);
  }

  /** A command writing binary output (exports) to the given stream; for tests. */
  AegisCtl(OutputStream stdout) {
    this.stdout = requireNonNull(stdout, "stdout");
  }

  /**
   * Runs aegisctl and exits with its exit code. Errors that escape picocli's handlers (a broken
   * installation's {@link LinkageError}, running out of memory) exit 2 too, never 1: exit code 1
   * must only ever mean that a chain was read and found invalid (or, for {@code pins}, that there
   * was nothing to act on).
   */
  public static void main(String[] args) {
    int code;
    try {
      code = commandLine(new AegisCtl()).execute(args);
    } catch (Throwable t) { // NOPMD: last resort, see above
      System.err.println("aegisctl: internal error: " + t);
      t.printStackTrace();
      code = EXIT_USAGE;
    }
    System.out.flush();
    System.exit(code);
  }

  /** A command line for the command with aegisctl's error handling and exit codes installed. */
  static CommandLine commandLine(AegisCtl ctl) {
    CommandLine cl = new CommandLine(ctl);
    CtlErrors errors = new CtlErrors();
    cl.setParameterExceptionHandler(errors);
    cl.setExecutionExceptionHandler(errors);
    return cl;
  }

  /** Where exports and other byte-exact output go. */
  OutputStream stdout() {
    return stdout;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "missing command (one of: "
            + String.join(
                ", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList())
            + ")");
  }

  /** Reports the Aegis build version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"aegisctl " + Version.get()};
    }
  }
}
