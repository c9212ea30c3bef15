package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.guard.manifest.Manifest;
import dev.aegis.guard.manifest.ManifestException;
import dev.aegis.guard.manifest.ManifestLoader;
import dev.aegis.guard.manifest.ManifestWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aegisctl manifest show}: the manifest as the guard uses it, defaults filled in. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Shows a manifest as the guard uses it, with every default filled in.",
    description = {
      "Validates FILE, then prints one line per field (marked '(default)' where FILE does not set"
          + " it) and the manifest digest, or with --json the resolved manifest as JSON."
          + " The signature and the server's files are not checked: use validate."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl manifest show aegis-manifest.json",
      "  aegisctl manifest show aegis-manifest.json --json | jq .permissions.budgets"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:shown",
      "1:the manifest is invalid; every problem is listed",
      "2:usage error or unreadable file"
    })
final class ManifestShowCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The manifest.")
  Path file;

  @Option(names = "--json", description = "Print the resolved manifest as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Manifest m;
    try {
      m = ManifestLoader.parse(ManifestCommandSupport.read(file));
    } catch (ManifestException e) {
      ManifestCommandSupport.printInvalid(out, file, e.problems());
      return AegisCtl.EXIT_INVALID;
    }
    if (json) {
      out.print(new String(ManifestWriter.write(m.resolvedJson()), StandardCharsets.UTF_8));
    } else {
      List<String[]> rows = new ArrayList<>();
      flatten(m.resolvedJson(), m.json(), "", rows);
      rows.add(new String[] {"digest", "sha256:" + m.digest()});
      int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
      for (String[] r : rows) {
        out.println(String.format("%-" + width + "s  %s", r[0], r[1]).stripTrailing());
      }
    }
    out.flush();
    return AegisCtl.EXIT_OK;
  }

  /** One row per leaf of the resolved view; arrays on one line; file lists as a count. */
  private static void flatten(JsonNode resolved, JsonNode given, String path, List<String[]> rows) {
    for (Map.Entry<String, JsonNode> e : resolved.properties()) {
      String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      JsonNode v = e.getValue();
      JsonNode g = given == null ? null : given.get(e.getKey());
      if (key.equals("integrity.files")) {
        rows.add(new String[] {key, v.size() + (v.size() == 1 ? " file" : " files")});
      } else if (v.isObject()) {
        flatten(v, g, key, rows);
      } else {
        rows.add(new String[] {key, text(v) + (g == null ? " (default)" : "")});
      }
    }
  }

  private static String text(JsonNode v) {
    if (v.isArray()) {
      if (v.isEmpty()) {
        return "-";
      }
      List<String> items = new ArrayList<>();
      v.forEach(i -> items.add(text(i)));
      return String.join(", ", items);
    }
    // Plain text unless it could break the layout; then JSON-quoted.
    boolean plain =
        v.isTextual() && v.textValue().chars().noneMatch(c -> c < 0x20 || c == ',' || c == 0x7f);
    return plain ? v.textValue() : v.toString();
  }
}
