package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.store.ChainStores;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aegisctl pins reset}: forgets pins, so the next session pins afresh. */
@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Deletes the pins of an upstream (or of one tool): the next session pins afresh.",
    description = {
      "Deletes the stored pins, with any definition awaiting review. The next session to list"
          + " the tools pins what it sees first (trust on first use again); running sessions keep"
          + " the pins they loaded. Tenant: default unless --tenant."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl pins reset --upstream stdio:npx:3f2a9c1b7e4d5a6b --tool search",
      "  aegisctl pins reset --upstream notes"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:reset", "1:no such pins", "2:usage or configuration error"})
final class PinsResetCommand implements Callable<Integer> {
  @Mixin StoreOptions where;

  @Option(names = "--upstream", required = true, paramLabel = "ID", description = "The upstream.")
  String upstream;

  @Option(names = "--tool", paramLabel = "T", description = "Only this tool's pin.")
  String tool;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String tenant = where.tenantOrDefault();
    int gone;
    try (ChainStore store = where.open()) {
      gone = ChainStores.pins(store).reset(tenant, upstream, tool);
    }
    String what =
        (tool == null ? "" : "tool " + tool + " of ")
            + "upstream "
            + upstream
            + " (tenant "
            + tenant
            + ")";
    if (gone == 0) {
      spec.commandLine().getErr().println("aegisctl: no pins for " + what);
      return PinsCommand.EXIT_NOTHING;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("reset " + gone + (gone == 1 ? " pin" : " pins") + " of " + what);
    out.flush();
    return AegisCtl.EXIT_OK;
  }
}
