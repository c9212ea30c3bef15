package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.guard.manifest.Manifest;
import dev.aegis.guard.manifest.ManifestException;
import dev.aegis.guard.manifest.ManifestLoader;
import dev.aegis.guard.manifest.ManifestWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aegisctl manifest init}: a least-privilege starting manifest from a server's tools. */
@Command(
    name = "init",
    usageHelpAutoWidth = true,
    header = "Writes a starting manifest from the tools a stdio MCP server lists.",
    description = {
      "Starts CMD as a stdio MCP server (its stderr goes to ours), initializes it, reads every"
          + " tools/list page, stops it, and writes a least-privilege manifest: every tool"
          + " declared; destructive ones (destructiveHint, or a file-write, network or exec tool"
          + " without readOnlyHint) under approval_required; openWorldHint ones untrusted; file,"
          + " network and exec tools classified with empty roots, domains and binaries to fill in;"
          + " a sandbox required when that is effectful. The manifest is validated before it is"
          + " written; stderr says where each tool went and what to review."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl manifest init -- mcp-server-filesystem /srv/docs",
      "  aegisctl manifest init --out m.json --publisher acme --timeout 60s -- ./server"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:written",
      "2:usage error, existing FILE without --force, or the server could not be started,"
          + " did not answer in time or answered with an error"
    })
final class ManifestInitCommand implements Callable<Integer> {
  // No standard --version flag: --version sets the manifest's version here.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Where to write the manifest (default: aegis-manifest.json).")
  Path out = Path.of(Manifest.FILE_NAME);

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The manifest's name (default: the server's serverInfo.name).")
  String name;

  @Option(
      names = "--version",
      paramLabel = "SEMVER",
      description = "The manifest's version (default: the server's, as SemVer, else 0.1.0).")
  String version;

  @Option(
      names = "--publisher",
      paramLabel = "NAME",
      description = "Who publishes the manifest (default: unknown).")
  String publisher;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = ManifestInitTimeout.class,
      description = "How long to wait for each answer: 500ms, 30s, 2m (default: 30s).")
  Duration timeout = Duration.ofSeconds(30);

  @Parameters(
      arity = "1..*",
      paramLabel = "CMD",
      description = "The server's command and arguments, after --.")
  List<String> command;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Consumer<String> note =
        s -> {
          err.println("aegisctl: note: " + s);
          err.flush();
        };
    refuseExisting();
    ObjectNode init;
    List<JsonNode> listed;
    try (ManifestInitSession server = ManifestInitSession.start(command, timeout, err)) {
      init = server.initialize();
      if (init.path("capabilities").has("tools")) {
        listed = server.listTools();
      } else {
        note.accept(command.get(0) + " does not declare the tools capability; no tools declared");
        listed = List.of();
      }
    }
    JsonNode info = init.path("serverInfo");
    ManifestInitIdentity id =
        ManifestInitIdentity.resolve(name, version, publisher, info, command.get(0), note);
    ManifestInitDraft draft =
        ManifestInitDraft.of(id.name(), id.version(), id.publisher(), listed, note);
    byte[] bytes = ManifestWriter.write(draft.json());
    try {
      ManifestLoader.parse(bytes);
    } catch (ManifestException e) {
      throw new CtlException(
          "the drafted manifest does not validate; nothing written:\n  "
              + String.join("\n  ", e.problems()));
    }
    refuseExisting();
    ManifestCommandSupport.writeAtomically(out, bytes);
    err.println(
        id.name()
            + " "
            + id.version()
            + " (protocol "
            + init.path("protocolVersion").asText("?")
            + "): "
            + draft.tools().size()
            + (draft.tools().size() == 1 ? " tool" : " tools"));
    ManifestInitReport.lines(draft).forEach(err::println);
    err.println("wrote " + out);
    err.flush();
    return AegisCtl.EXIT_OK;
  }

  private void refuseExisting() {
    if (!force && Files.exists(out)) {
      throw new CtlException(out + " exists; not overwritten (use --force to replace it)");
    }
  }
}
