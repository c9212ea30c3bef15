package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.json.Json;
import dev.aegis.core.pins.ToolPin;
import dev.aegis.store.ChainStores;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aegisctl pins list}: every pin, and the definitions awaiting review. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Lists tool pins and the changed definitions awaiting review.",
    description = {
      "One line per tool: tenant, upstream, tool, status (pinned; changed: a new definition awaits"
          + " review; renamed: a name a rename brought, untrusted until approved), the pinned"
          + " digest and who approved it, the digest awaiting review and the session that saw it."
    },
    footerHeading = "%nExamples:%n",
    footer = {"  aegisctl pins list", "  aegisctl pins list --upstream notes --json"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed (possibly none)", "2:usage or configuration error"})
final class PinsListCommand implements Callable<Integer> {
  private static final String[] HEADER = {
    "TENANT", "UPSTREAM", "TOOL", "STATUS", "PINNED", "APPROVED_BY", "AWAITING", "SEEN_IN"
  };

  @Mixin StoreOptions where;

  @Option(names = "--upstream", paramLabel = "ID", description = "Only this upstream's pins.")
  String upstream;

  @Option(names = "--json", description = "Print one JSON document instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ChainStore store = where.open()) {
      List<ToolPin> pins = ChainStores.pins(store).list(where.tenantOrAll(), upstream);
      if (json) {
        ObjectNode doc = Json.object().put("store", store.describe());
        ArrayNode list = doc.putArray("pins");
        pins.forEach(p -> list.add(PinsCommand.json(p)));
        out.println(Json.write(doc));
      } else if (pins.isEmpty()) {
        err.println("no tool pins in " + store.describe());
      } else {
        table(out, pins);
        long waiting = pins.stream().filter(p -> p.seen() != null).count();
        if (waiting > 0) {
          err.println(
              waiting
                  + " awaiting review: aegisctl pins show --upstream ID --tool T;"
                  + " then aegisctl pins approve");
        }
      }
    }
    out.flush();
    err.flush();
    return AegisCtl.EXIT_OK;
  }

  private static void table(PrintWriter out, List<ToolPin> pins) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (ToolPin p : pins) {
      String status =
          p.renamedFrom() == null ? p.status() : p.status() + " (from " + p.renamedFrom() + ")";
      rows.add(
          new String[] {
            p.tenantId(),
            p.upstream(),
            p.toolName(),
            status,
            PinsCommand.shortSha(p.pinned()),
            p.approvedBy() == null ? "-" : p.approvedBy(),
            PinsCommand.shortSha(p.seen()),
            p.seen() == null || p.seen().sessionId() == null ? "-" : p.seen().sessionId()
          });
    }
    TextTable.print(out, rows);
  }
}
