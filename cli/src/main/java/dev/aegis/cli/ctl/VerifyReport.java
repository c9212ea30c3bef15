package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.json.Json;
import java.io.PrintWriter;
import java.util.List;

/**
 * Prints verification results: in text, one line per chain as soon as it is verified (plus a
 * summary line when there are several); in JSON, one document at the end.
 *
 * <pre>
 * valid    TENANT/SESSION  events=N  head=HASH
 * INVALID  TENANT/SESSION  events=N  first_bad_seq=K  reason=REASON
 * N chains: V valid, I invalid
 * </pre>
 */
final class VerifyReport {
  private final PrintWriter out;
  private final boolean json;

  /** A report printed on {@code out}, as JSON or text. */
  VerifyReport(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /** Reports one chain (text mode prints it now). */
  void chain(VerifyResult r) {
    if (!json) {
      out.println(line(r));
      out.flush();
    }
  }

  /** Ends the report: the summary line, or the whole JSON document. */
  void finish(String source, List<VerifyResult> results) {
    if (json) {
      out.println(Json.write(document(source, results)));
    } else if (results.size() > 1) {
      long valid = results.stream().filter(VerifyResult::valid).count();
      out.println(
          results.size()
              + " chains: "
              + valid
              + " valid, "
              + (results.size() - valid)
              + " invalid");
    }
    out.flush();
  }

  /** The text line of one chain. */
  static String line(VerifyResult r) {
    String label = r.tenantId() == null ? "-" : r.tenantId() + "/" + r.sessionId();
    if (r.valid()) {
      return "valid    " + label + "  events=" + r.events() + "  head=" + r.headHash();
    }
    return "INVALID  "
        + label
        + "  events="
        + r.events()
        + "  first_bad_seq="
        + r.firstBadSeq()
        + "  reason="
        + r.reason();
  }

  static ObjectNode document(String source, List<VerifyResult> results) {
    ObjectNode doc = Json.object();
    doc.put("source", source);
    doc.put("valid", results.stream().allMatch(VerifyResult::valid));
    ArrayNode chains = doc.putArray("chains");
    for (VerifyResult r : results) {
      ObjectNode c = chains.addObject();
      c.put("tenant_id", r.tenantId());
      c.put("session_id", r.sessionId());
      c.put("valid", r.valid());
      c.put("events", r.events());
      c.put("head_hash", r.valid() ? r.headHash() : null);
      if (r.valid()) {
        c.putNull("first_bad_seq");
      } else {
        c.put("first_bad_seq", r.firstBadSeq());
      }
      c.put("reason", r.reason());
    }
    return doc;
  }
}
