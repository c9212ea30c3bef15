package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.json.Json;
import dev.aegis.core.pins.StoredDefinition;
import dev.aegis.core.pins.ToolPin;
import dev.aegis.store.ChainStores;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aegisctl pins show}: one tool's pinned and latest seen definitions, and how they differ.
 */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Shows a tool's pinned definition, the one awaiting review, and how they differ.",
    description = {
      "Prints who approved the pin and when, which session saw the definition awaiting review,"
          + " and the difference: description (and other text) line by line, inputSchema,"
          + " outputSchema and annotations by JSON Pointer (+ added, - removed, ~ changed)."
          + " With nothing awaiting review, the pinned definition. Tenant: default unless"
          + " --tenant."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl pins show --upstream stdio:npx:3f2a9c1b7e4d5a6b --tool search",
      "  aegisctl pins show --upstream notes --tool search --json | jq .awaiting_review.definition"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown", "1:no pin for that tool", "2:usage or configuration error"})
final class PinsShowCommand implements Callable<Integer> {
  @Mixin StoreOptions where;

  @Option(names = "--upstream", required = true, paramLabel = "ID", description = "The upstream.")
  String upstream;

  @Option(names = "--tool", required = true, paramLabel = "T", description = "The tool.")
  String tool;

  @Option(names = "--json", description = "Print the pin as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<ToolPin> found;
    try (ChainStore store = where.open()) {
      found =
          ChainStores.pins(store).list(where.tenantOrDefault(), upstream).stream()
              .filter(p -> p.toolName().equals(tool))
              .findFirst();
    }
    if (found.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "aegisctl: no pin for tool "
                  + tool
                  + " of upstream "
                  + upstream
                  + " (tenant "
                  + where.tenantOrDefault()
                  + "); see aegisctl pins list");
      return PinsCommand.EXIT_NOTHING;
    }
    ToolPin p = found.get();
    if (json) {
      out.println(Json.write(PinsCommand.json(p)));
    } else {
      print(out, p);
    }
    out.flush();
    return AegisCtl.EXIT_OK;
  }

  private static void print(PrintWriter out, ToolPin p) {
    out.println("tool      " + p.toolName());
    out.println("upstream  " + p.upstream() + " (tenant " + p.tenantId() + ")");
    out.println("status    " + status(p));
    if (p.pinned() != null) {
      out.println(
          "pinned    "
              + p.pinned().sha256()
              + "  "
              + SessionsCommand.iso(p.pinned().unixMs())
              + "  approved by "
              + p.approvedBy()
              + seenIn(p.pinned()));
    } else {
      out.println("pinned    none");
    }
    if (p.seen() != null) {
      out.println(
          "seen      "
              + p.seen().sha256()
              + "  "
              + SessionsCommand.iso(p.seen().unixMs())
              + seenIn(p.seen()));
    }
    out.println();
    if (p.pinned() != null && p.seen() != null) {
      DefinitionDiff.lines(PinsCommand.parse(p.pinned()), PinsCommand.parse(p.seen()))
          .forEach(out::println);
    } else {
      StoredDefinition only = p.seen() != null ? p.seen() : p.pinned();
      out.println(PinsCommand.parse(only).toPrettyString());
    }
  }

  private static String status(ToolPin p) {
    switch (p.status()) {
      case "changed":
        return "changed: a new definition awaits review (calls are denied"
            + " TOOL_DEFINITION_CHANGED until it is approved)";
      case "renamed":
        return "renamed: "
            + p.toolName()
            + " replaced "
            + p.renamedFrom()
            + " and is untrusted until approved";
      default:
        return "pinned: nothing awaits review";
    }
  }

  private static String seenIn(StoredDefinition d) {
    return d.sessionId() == null ? "" : "  session " + d.sessionId();
  }
}
