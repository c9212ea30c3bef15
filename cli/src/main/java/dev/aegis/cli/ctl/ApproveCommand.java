package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.approval.ApprovalStore;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aegisctl approve TOKEN}: decides one pending approval request. */
@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Approves (or with --deny refuses) a tool call waiting for approval.",
    description = {
      "Decides the approval request with this token (see 'aegisctl approvals list'). A held call"
          + " proceeds (or is refused) within a moment; a client that already got"
          + " APPROVAL_REQUIRED retries the same call with _meta {\"io.aegis/approval_token\":"
          + " TOKEN}. Tokens are single-use and expire (aegis-proxy --approval-ttl). With --args"
          + " the call runs with the arguments in FILE instead (a JSON object); the change is"
          + " sealed as a diff in the session's chain."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl approve apv1-3f…",
      "  aegisctl approve apv1-3f… --deny --message 'not on production'",
      "  aegisctl approve apv1-3f… --args safer-args.json --by alice"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:decided",
      "1:no such token, already decided, or expired",
      "2:usage or configuration error"
    })
final class ApproveCommand implements Callable<Integer> {
  @Mixin StoreOptions where;

  @Parameters(index = "0", paramLabel = "TOKEN", description = "The approval token.")
  String token;

  @Option(names = "--deny", description = "Refuse the call instead of approving it.")
  boolean deny;

  @Option(
      names = "--args",
      paramLabel = "FILE",
      description = "Run the call with these arguments (a JSON object) instead of the agent's.")
  Path args;

  @Option(
      names = "--by",
      paramLabel = "NAME",
      description = "Who decides, sealed with the decision (default: the OS user).")
  String by;

  @Option(names = "--message", paramLabel = "TEXT", description = "A note shown to the agent.")
  String message;

  @Option(names = "--json", description = "Print the decided request as JSON.")
  boolean json;

  @Mixin ServerOptions api;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    JsonNode edited = deny || args == null ? null : readArgs(args);
    if (deny && args != null) {
      err.println("aegisctl approve: --args applies to an approval, not to --deny");
      return AegisCtl.EXIT_USAGE;
    }
    String who = by != null ? by : System.getProperty("user.name", "operator");
    if (api.remote()) {
      return remote(out, err, edited, who);
    }
    long now = System.currentTimeMillis();
    try (ChainStore store = where.open()) {
      ApprovalStore.Decided d =
          ChainStores.approvals(store).decide(token, !deny, edited, who, message, now);
      switch (d.outcome()) {
        case DECIDED:
          if (json) {
            out.println(Json.write(ApprovalsCommand.toJson(d.record(), now)));
          } else {
            out.println(
                (deny ? "denied " : "approved ")
                    + d.record().toolName()
                    + " in session "
                    + d.record().sessionId()
                    + (edited != null ? " (with edited arguments)" : ""));
          }
          out.flush();
          return AegisCtl.EXIT_OK;
        case NOT_FOUND:
          err.println("aegisctl approve: no approval request " + token + " in " + store.describe());
          return AegisCtl.EXIT_INVALID;
        case ALREADY_DECIDED:
          err.println(
              "aegisctl approve: "
                  + token
                  + " was already decided ("
                  + ApprovalsCommand.state(d.record(), now)
                  + " by "
                  + d.record().decidedBy()
                  + ")");
          return AegisCtl.EXIT_INVALID;
        default:
          err.println(
              "aegisctl approve: "
                  + token
                  + " expired at "
                  + SessionsCommand.iso(d.record().expiresUnixMs()));
          return AegisCtl.EXIT_INVALID;
      }
    }
  }

  /** The same decision through a control API ({@code POST /v1/approvals/TOKEN}). */
  private int remote(PrintWriter out, PrintWriter err, JsonNode edited, String who) {
    ObjectNode body = Json.object().put("decision", deny ? "deny" : "approve").put("by", who);
    if (edited != null) {
      body.set("args", edited);
    }
    if (message != null) {
      body.put("message", message);
    }
    ServerOptions.Answer a =
        api.post("/v1/approvals/" + URLEncoder.encode(token, StandardCharsets.UTF_8), body);
    if (a.status() != 200) {
      err.println("aegisctl approve: " + a.error());
      return a.status() == 404 || a.status() == 409 ? AegisCtl.EXIT_INVALID : AegisCtl.EXIT_USAGE;
    }
    JsonNode r = a.body().path("approval");
    if (json) {
      out.println(Json.write(r));
    } else {
      out.println(
          (deny ? "denied " : "approved ")
              + r.path("tool_name").asText()
              + " in session "
              + r.path("session_id").asText()
              + (edited != null ? " (with edited arguments)" : ""));
    }
    out.flush();
    return AegisCtl.EXIT_OK;
  }

  private static JsonNode readArgs(Path file) {
    try {
      JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
      if (n == null || !n.isObject()) {
        throw new CtlException("--args " + file + ": expected a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new CtlException("--args " + file + ": " + CtlErrors.describe(e));
    }
  }
}
