package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.ApprovalViews;
import dev.aegis.core.approval.ApprovalRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aegisctl approvals}: lists approval requests (pending by default). */
@Command(
    name = "approvals",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Lists approval requests waiting for an operator.",
    description = {
      "Lists the approval requests of tool calls the policy put under approval"
          + " (require_approval), newest first: token, tenant, session, tool, arguments and expiry."
          + " By default only requests still pending and unexpired; --all shows decided and"
          + " expired ones too. Decide one with 'aegisctl approve TOKEN'."
    },
    subcommands = {ApprovalsCommand.ListCommand.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl approvals list",
      "  aegisctl approvals list --all --json | jq '.approvals[] | select(.tool_name==\"exec\")'"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed (possibly none)", "2:usage or configuration error"})
final class ApprovalsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return AegisCtl.EXIT_USAGE;
  }

  /** {@code aegisctl approvals list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = AegisCtl.VersionProvider.class,
      usageHelpAutoWidth = true,
      header = "Lists approval requests (pending and unexpired unless --all).",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:listed (possibly none)", "2:usage or configuration error"})
  static final class ListCommand implements Callable<Integer> {
    @Mixin StoreOptions where;

    @Option(names = "--all", description = "Include decided and expired requests.")
    boolean all;

    @Option(names = "--limit", paramLabel = "N", description = "At most N requests (default 100).")
    int limit = 100;

    @Option(names = "--json", description = "Print one JSON document instead of a table.")
    boolean json;

    @Spec CommandSpec spec;

    @Mixin ServerOptions api;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode rows;
      String source;
      if (api.remote()) {
        String tenant = where.tenantOrAll();
        ServerOptions.Answer a =
            api.get(
                "/v1/approvals?all="
                    + all
                    + "&limit="
                    + limit
                    + (tenant == null
                        ? ""
                        : "&tenant_id=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8)));
        if (a.status() != 200) {
          throw new CtlException(api.server + ": " + a.error());
        }
        rows = a.body().path("approvals");
        source = api.server;
      } else {
        long now = System.currentTimeMillis();
        try (ChainStore store = where.open()) {
          ArrayNode list = Json.MAPPER.createArrayNode();
          ChainStores.approvals(store)
              .list(where.tenantOrAll(), !all, now, limit)
              .forEach(r -> list.add(toJson(r, now)));
          rows = list;
          source = store.describe();
        }
      }
      if (json) {
        ObjectNode doc = Json.object();
        doc.put("store", source);
        doc.set("approvals", rows);
        out.println(Json.write(doc));
      } else if (rows.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println("no " + (all ? "" : "pending ") + "approval requests in " + source);
      } else {
        for (JsonNode r : rows) {
          out.println(
              r.path("token").asText()
                  + "  "
                  + r.path("state").asText()
                  + "  "
                  + r.path("tenant_id").asText()
                  + "/"
                  + r.path("session_id").asText()
                  + "  "
                  + r.path("tool_name").asText()
                  + " "
                  + Json.write(r.path("args"))
                  + "  expires "
                  + SessionsCommand.iso(r.path("expires_unix_ms").asLong()));
        }
      }
      out.flush();
      return AegisCtl.EXIT_OK;
    }
  }

  /** pending, expired, approved, approved+used, denied. */
  static String state(ApprovalRecord r, long now) {
    return ApprovalViews.state(r, now);
  }

  /** The record as JSON with snake_case keys. */
  static ObjectNode toJson(ApprovalRecord r, long now) {
    return ApprovalViews.toJson(r, now);
  }
}
