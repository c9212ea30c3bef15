package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.pins.PinStore;
import dev.aegis.core.pins.ToolPin;
import dev.aegis.store.ChainStores;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code aegisctl pins approve}: makes the definitions awaiting review the pins. */
@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Approves changed tool definitions: each becomes the pin.",
    description = {
      "The latest definition awaiting review of each named tool (or of every tool, --all) becomes"
          + " its pin, attributed to --by (default: your OS user name). New sessions load it;"
          + " a running session re-pins the tool (TOOL_CATALOG_REPINNED) the next time its server"
          + " lists exactly that definition. Tenant: default unless --tenant."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl pins approve --upstream stdio:npx:3f2a9c1b7e4d5a6b --tool search",
      "  aegisctl pins approve --upstream notes --all --by alice"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:approved",
      "1:no pin for a named tool, or nothing awaits review",
      "2:usage or configuration error"
    })
final class PinsApproveCommand implements Callable<Integer> {
  @Mixin StoreOptions where;

  @Option(names = "--upstream", required = true, paramLabel = "ID", description = "The upstream.")
  String upstream;

  @ArgGroup(multiplicity = "1")
  Which which;

  /** Either named tools or all of them. */
  static final class Which {
    @Option(names = "--tool", paramLabel = "T", description = "A tool to approve; repeatable.")
    List<String> tools = new ArrayList<>();

    @Option(names = "--all", description = "Approve every tool of the upstream awaiting review.")
    boolean all;
  }

  @Option(
      names = "--by",
      paramLabel = "NAME",
      description = "Who approves, recorded with the pin (default: the OS user name).")
  String by;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String approver = by != null ? by : System.getProperty("user.name", "");
    if (approver.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--by: missing (no OS user name known)");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String tenant = where.tenantOrDefault();
    try (ChainStore store = where.open()) {
      PinStore pins = ChainStores.pins(store);
      Map<String, ToolPin> before = new TreeMap<>();
      pins.list(tenant, upstream).forEach(p -> before.put(p.toolName(), p));
      for (String t : which.tools) {
        if (!before.containsKey(t)) {
          err.println(
              "aegisctl: no pin for tool "
                  + t
                  + " of upstream "
                  + upstream
                  + " (tenant "
                  + tenant
                  + "); nothing approved");
          return PinsCommand.EXIT_NOTHING;
        }
      }
      List<ToolPin> approved =
          pins.approve(tenant, upstream, which.tools, approver, System.currentTimeMillis());
      for (ToolPin p : approved) {
        ToolPin was = before.get(p.toolName());
        out.println(
            "approved "
                + p.toolName()
                + ": "
                + PinsCommand.shortSha(was == null ? null : was.pinned())
                + " -> "
                + PinsCommand.shortSha(p.pinned())
                + " (by "
                + approver
                + ")");
      }
      for (String t : which.tools) {
        if (approved.stream().noneMatch(p -> p.toolName().equals(t))) {
          err.println("nothing awaits review for " + t);
        }
      }
      if (approved.isEmpty()) {
        err.println(
            "aegisctl: nothing awaits review for upstream "
                + upstream
                + " (tenant "
                + tenant
                + ")");
        return PinsCommand.EXIT_NOTHING;
      }
    }
    out.flush();
    return AegisCtl.EXIT_OK;
  }
}
