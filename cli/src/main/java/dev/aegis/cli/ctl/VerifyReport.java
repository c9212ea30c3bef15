package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.checkpoint.CheckpointProblem;
import dev.aegis.core.json.Json;
import java.io.PrintWriter;
import java.util.List;

/**
 * Prints verification results: in text, one line per chain as soon as it is verified (plus a
 * summary line when there are several); in JSON, one document at the end.
 *
 * <pre>
 * valid    TENANT/SESSION  events=N  head=HASH  [redacted=S,S]  [checkpoints=C]
 * INVALID  TENANT/SESSION  events=N  first_bad_seq=K  reason=REASON
 * INVALID  TENANT/SESSION  events=N  head=HASH  checkpoints=C  problems=P
 *   KIND at seq N: DETAIL           (one line per checkpoint problem)
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
  void chain(ChainCheck c) {
    if (!json) {
      out.println(line(c));
      for (CheckpointProblem p : c.problems()) {
        out.println("  " + p);
      }
      out.flush();
    }
  }

  /** Ends the report: the summary line, or the whole JSON document. */
  void finish(String source, List<ChainCheck> results) {
    if (json) {
      out.println(Json.write(document(source, results)));
    } else if (results.size() > 1) {
      long valid = results.stream().filter(ChainCheck::valid).count();
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
  static String line(ChainCheck c) {
    VerifyResult r = c.chain();
    String label = r.tenantId() == null ? "-" : r.tenantId() + "/" + r.sessionId();
    if (r.valid()) {
      String extras =
          (c.redacted().isEmpty() ? "" : "  redacted=" + join(c.redacted()))
              + (c.shredded().isEmpty() ? "" : "  shredded=" + join(c.shredded()))
              + (c.checkpoints() == 0 && c.problems().isEmpty()
                  ? ""
                  : "  checkpoints=" + c.checkpoints());
      if (!c.problems().isEmpty()) {
        return "INVALID  "
            + label
            + "  events="
            + r.events()
            + "  head="
            + r.headHash()
            + extras
            + "  problems="
            + c.problems().size();
      }
      return "valid    " + label + "  events=" + r.events() + "  head=" + r.headHash() + extras;
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

  private static String join(List<Long> seqs) {
    StringBuilder sb = new StringBuilder();
    for (Long s : seqs) {
      sb.append(sb.length() == 0 ? "" : ",").append(s);
    }
    return sb.toString();
  }

  static ObjectNode document(String source, List<ChainCheck> results) {
    ObjectNode doc = Json.object();
    doc.put("source", source);
    doc.put("valid", results.stream().allMatch(ChainCheck::valid));
    ArrayNode chains = doc.putArray("chains");
    for (ChainCheck check : results) {
      VerifyResult r = check.chain();
      ObjectNode c = chains.addObject();
      c.put("tenant_id", r.tenantId());
      c.put("session_id", r.sessionId());
      c.put("valid", check.valid());
      c.put("chain_valid", r.valid());
      c.put("events", r.events());
      c.put("head_hash", r.valid() ? r.headHash() : null);
      if (r.valid()) {
        c.putNull("first_bad_seq");
      } else {
        c.put("first_bad_seq", r.firstBadSeq());
      }
      c.put("reason", r.reason());
      ArrayNode redacted = c.putArray("redacted");
      check.redacted().forEach(redacted::add);
      ArrayNode shredded = c.putArray("shredded");
      check.shredded().forEach(shredded::add);
      ObjectNode cps = c.putObject("checkpoints");
      cps.put("checked", check.checkpoints());
      ArrayNode problems = cps.putArray("problems");
      for (CheckpointProblem p : check.problems()) {
        problems
            .addObject()
            .put("kind", p.kind().name())
            .put("seq", p.seq())
            .put("detail", p.detail());
      }
    }
    return doc;
  }
}
