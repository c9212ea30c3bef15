package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.core.pins.StoredDefinition;
import dev.aegis.core.pins.ToolPin;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code aegisctl pins}: reviews the tool definitions pinned per upstream. */
@Command(
    name = "pins",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Lists, shows, approves and resets the tool pins kept per upstream.",
    description = {
      "aegis-proxy pins the first definition of every tool an upstream (MCP server) lists, in the"
          + " store beside the chain. A later different definition — or a rename — is denied"
          + " TOOL_DEFINITION_CHANGED in every session until an operator approves it here."
          + " See docs/policy.md, Pinning."
    },
    subcommands = {
      PinsListCommand.class,
      PinsShowCommand.class,
      PinsApproveCommand.class,
      PinsResetCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl pins list",
      "  aegisctl pins show --upstream stdio:npx:3f2a9c1b7e4d5a6b --tool search",
      "  aegisctl pins approve --upstream stdio:npx:3f2a9c1b7e4d5a6b --tool search --by alice",
      "  aegisctl pins reset --upstream stdio:npx:3f2a9c1b7e4d5a6b"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:no such pin, or nothing to approve or reset",
      "2:usage or configuration error, or the store is unavailable"
    })
final class PinsCommand implements Callable<Integer> {
  /** Exit code: no such pin, or nothing to approve or reset. */
  static final int EXIT_NOTHING = 1;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command (one of: list, show, approve, reset)");
  }

  /** The first 12 hex digits of a digest, or "-" for none. */
  static String shortSha(StoredDefinition d) {
    return d == null ? "-" : d.sha256().substring(0, Math.min(12, d.sha256().length()));
  }

  /** A pin as JSON: its key, status, pinned and awaiting definitions (parsed) and times. */
  static ObjectNode json(ToolPin p) {
    ObjectNode o = Json.object();
    o.put("tenant_id", p.tenantId());
    o.put("upstream", p.upstream());
    o.put("tool_name", p.toolName());
    o.put("status", p.status());
    o.put("holds", p.holds());
    if (p.pinned() == null) {
      o.putNull("pinned");
    } else {
      definition(o.putObject("pinned"), p.pinned()).put("approved_by", p.approvedBy());
    }
    if (p.seen() == null) {
      o.putNull("awaiting_review");
    } else {
      ObjectNode seen = definition(o.putObject("awaiting_review"), p.seen());
      if (p.renamedFrom() != null) {
        seen.put("renamed_from", p.renamedFrom());
      }
    }
    return o;
  }

  private static ObjectNode definition(ObjectNode o, StoredDefinition d) {
    o.put("sha256", d.sha256());
    o.put("unix_ms", d.unixMs());
    o.put("time", SessionsCommand.iso(d.unixMs()));
    o.put("session_id", d.sessionId());
    o.set("definition", parse(d));
    return o;
  }

  /** The stored definition as JSON; a text that does not parse is returned as a string. */
  static JsonNode parse(StoredDefinition d) {
    try {
      return Json.parseTrusted(d.definition());
    } catch (RuntimeException e) {
      return Json.MAPPER.getNodeFactory().textNode(d.definition());
    }
  }
}
