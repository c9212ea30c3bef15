package dev.aegis.cli.ctl;

import dev.aegis.cli.conformance.Pack;
import dev.aegis.cli.conformance.PackCase;
import dev.aegis.cli.conformance.PackLibrary;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code aegisctl conformance list}: the shipped packs with their case counts. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Lists the shipped conformance packs.",
    description = {
      "One line per pack under conformance/cases/decide, conformance/packs and"
          + " conformance/mcp of the installation: name, version, decision, multi-step and MCP"
          + " case counts, description."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "2:a pack file is malformed"})
final class ConformanceListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<Pack> packs;
    try {
      packs = PackLibrary.installed().all();
    } catch (IOException e) {
      throw new CtlException(e.getMessage());
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PACK", "VERSION", "DECISION", "MULTI-STEP", "MCP", "DESCRIPTION"});
    for (Pack p : packs) {
      long multi = p.cases().stream().filter(PackCase::stateful).count();
      long mcp = p.cases().stream().filter(PackCase::mcp).count();
      String d = p.description();
      int dot = d.indexOf(". ");
      rows.add(
          new String[] {
            p.name(),
            p.version(),
            Long.toString(p.cases().size() - multi - mcp),
            Long.toString(multi),
            Long.toString(mcp),
            shorten(dot > 0 ? d.substring(0, dot + 1) : d)
          });
    }
    PrintWriter out = spec.commandLine().getOut();
    TextTable.print(out, rows);
    out.flush();
    return 0;
  }

  private static String shorten(String s) {
    return s.length() <= 72 ? s : s.substring(0, 71) + "…";
  }
}
