package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.json.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aegisctl sessions}: lists the chains in a store. */
@Command(
    name = "sessions",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Lists the chains in a store, with event counts, times and status.",
    description = {
      "Lists the chains in a store, oldest first: tenant, session, number of events, times of the"
          + " first and last event (ISO-8601, UTC) and status (terminated when the last event is"
          + " TERMINATION, else open). Counts come from the store and are not verified."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl sessions",
      "  aegisctl sessions --store sqlite:/var/lib/aegis/chain.db --tenant acme",
      "  aegisctl sessions --json | jq -r '.sessions[].session_id'"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed (possibly none)", "2:usage or configuration error"})
final class SessionsCommand implements Callable<Integer> {
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String[] HEADER = {"TENANT", "SESSION", "EVENTS", "FIRST", "LAST", "STATUS"};

  @Mixin StoreOptions where;

  @Option(names = "--json", description = "Print one JSON document instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ChainStore store = where.open()) {
      List<SessionSummary> sessions = store.sessions(where.tenantOrAll());
      if (json) {
        out.println(Json.write(document(store.describe(), sessions)));
      } else if (sessions.isEmpty()) {
        spec.commandLine().getErr().println("no sessions in " + store.describe());
      } else {
        table(out, sessions);
      }
    }
    out.flush();
    return AegisCtl.EXIT_OK;
  }

  /** Formats a time in milliseconds since the epoch as ISO-8601 UTC with milliseconds. */
  static String iso(long unixMs) {
    return ISO.format(Instant.ofEpochMilli(unixMs));
  }

  private static void table(PrintWriter out, List<SessionSummary> sessions) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (SessionSummary s : sessions) {
      rows.add(
          new String[] {
            s.tenantId(),
            s.sessionId(),
            Long.toString(s.events()),
            iso(s.firstTsUnixMs()),
            iso(s.lastTsUnixMs()),
            s.status()
          });
    }
    TextTable.print(out, rows);
  }

  private static ObjectNode document(String store, List<SessionSummary> sessions) {
    ObjectNode doc = Json.object();
    doc.put("store", store);
    ArrayNode list = doc.putArray("sessions");
    for (SessionSummary s : sessions) {
      ObjectNode o = list.addObject();
      o.put("tenant_id", s.tenantId());
      o.put("session_id", s.sessionId());
      o.put("events", s.events());
      o.put("first_ts", iso(s.firstTsUnixMs()));
      o.put("last_ts", iso(s.lastTsUnixMs()));
      o.put("first_ts_unix_ms", s.firstTsUnixMs());
      o.put("last_ts_unix_ms", s.lastTsUnixMs());
      o.put("last_event_type", s.lastEventType());
      o.put("status", s.status());
    }
    return doc;
  }
}
