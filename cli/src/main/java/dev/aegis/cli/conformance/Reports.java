package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.StringWriter;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The reports of a conformance run: JSON (packs and cases in run order, keys in a fixed order),
 * JUnit XML (one testsuite per pack) and markdown with a badge line. Pure functions, thread-safe.
 */
public final class Reports {
  private Reports() {}

  /** Totals over all packs. */
  public record Totals(long tests, long passed, long failed, long skipped, long errors) {
    /** Compliant: nothing failed and nothing erred. */
    public boolean compliant() {
      return failed == 0 && errors == 0;
    }

    /** The totals of a run. */
    public static Totals of(List<PackResult> packs) {
      long t = 0;
      long p = 0;
      long f = 0;
      long s = 0;
      long e = 0;
      for (PackResult r : packs) {
        t += r.results().size();
        p += r.count(CaseResult.Status.PASSED);
        f += r.count(CaseResult.Status.FAILED);
        s += r.count(CaseResult.Status.SKIPPED);
        e += r.count(CaseResult.Status.ERROR);
      }
      return new Totals(t, p, f, s, e);
    }
  }

  /** The JSON report; {@code target} says what was tested (e.g. {@code embedded wasm}). */
  public static ObjectNode json(List<PackResult> packs, String target) {
    Totals t = Totals.of(packs);
    ObjectNode doc = Json.object();
    doc.put("target", target);
    doc.put("compliant", t.compliant());
    ObjectNode totals = doc.putObject("totals");
    totals.put("tests", t.tests());
    totals.put("passed", t.passed());
    totals.put("failed", t.failed());
    totals.put("skipped", t.skipped());
    totals.put("errors", t.errors());
    ArrayNode list = doc.putArray("packs");
    for (PackResult r : packs) {
      ObjectNode p = list.addObject();
      p.put("name", r.pack().name());
      p.put("version", r.pack().version());
      p.put("description", r.pack().description());
      p.put("passed", r.count(CaseResult.Status.PASSED));
      p.put("failed", r.count(CaseResult.Status.FAILED));
      p.put("skipped", r.count(CaseResult.Status.SKIPPED));
      p.put("errors", r.count(CaseResult.Status.ERROR));
      ArrayNode tests = p.putArray("tests");
      for (CaseResult c : r.results()) {
        ObjectNode o = tests.addObject();
        o.put("id", c.test().id());
        o.put("req_id", c.test().reqId());
        o.put("note", c.test().note());
        o.put("kind", c.test().kind());
        o.put("status", c.status().wireName());
        ObjectNode want = o.putObject("expected");
        want.put("outcome", c.test().outcome());
        want.put("reason", c.test().reason());
        ObjectNode got = o.putObject("got");
        got.put("outcome", c.gotOutcome());
        got.put("reason", c.gotReason());
        o.put("detail", c.detail());
      }
    }
    return doc;
  }

  /** The JUnit XML report: a testsuite per pack, a testcase per case. */
  public static String junit(List<PackResult> packs, String target) {
    Totals t = Totals.of(packs);
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("testsuites");
      x.writeAttribute("name", "aegis conformance (" + target + ")");
      x.writeAttribute("tests", Long.toString(t.tests()));
      x.writeAttribute("failures", Long.toString(t.failed()));
      x.writeAttribute("errors", Long.toString(t.errors()));
      x.writeAttribute("skipped", Long.toString(t.skipped()));
      for (PackResult r : packs) {
        x.writeCharacters("\n  ");
        x.writeStartElement("testsuite");
        x.writeAttribute("name", r.pack().name());
        x.writeAttribute("tests", Integer.toString(r.results().size()));
        x.writeAttribute("failures", Long.toString(r.count(CaseResult.Status.FAILED)));
        x.writeAttribute("errors", Long.toString(r.count(CaseResult.Status.ERROR)));
        x.writeAttribute("skipped", Long.toString(r.count(CaseResult.Status.SKIPPED)));
        for (CaseResult c : r.results()) {
          x.writeCharacters("\n    ");
          x.writeStartElement("testcase");
          x.writeAttribute("classname", "conformance." + r.pack().name());
          x.writeAttribute(
              "name", c.test().id() + (c.test().note().isEmpty() ? "" : " — " + c.test().note()));
          switch (c.status()) {
            case FAILED -> element(x, "failure", c.detail());
            case ERROR -> element(x, "error", c.detail());
            case SKIPPED -> element(x, "skipped", c.detail());
            case PASSED -> {}
          }
          x.writeEndElement();
        }
        x.writeCharacters("\n  ");
        x.writeEndElement();
      }
      x.writeCharacters("\n");
      x.writeEndElement();
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write the JUnit report", e);
    }
    return out + "\n";
  }

  private static void element(XMLStreamWriter x, String name, String message)
      throws XMLStreamException {
    x.writeStartElement(name);
    x.writeAttribute("message", message);
    x.writeEndElement();
  }

  /**
   * The badge line: a shields.io static badge with the alt text {@code conformance: N/M passed}.
   */
  public static String badge(Totals t) {
    long ran = t.tests() - t.skipped();
    String text = t.passed() + "/" + ran + " passed";
    String colour = t.compliant() ? "brightgreen" : "red";
    return "![conformance: "
        + text
        + "](https://img.shields.io/badge/conformance-"
        + text.replace("/", "%2F").replace(" ", "%20")
        + "-"
        + colour
        + ")";
  }

  /** The markdown report: badge, totals, a table of packs and every case that did not pass. */
  public static String markdown(List<PackResult> packs, String target) {
    Totals t = Totals.of(packs);
    StringBuilder b = new StringBuilder();
    b.append("# Aegis conformance report\n\n").append(badge(t)).append("\n\n");
    b.append("Target: ").append(target).append(". ");
    b.append(t.compliant() ? "**Compliant**" : "**Not compliant**");
    b.append(": ")
        .append(t.passed())
        .append(" passed, ")
        .append(t.failed())
        .append(" failed, ")
        .append(t.errors())
        .append(" errors, ")
        .append(t.skipped())
        .append(" skipped of ")
        .append(t.tests())
        .append(".\n\n");
    b.append("| pack | version | passed | failed | errors | skipped |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (PackResult r : packs) {
      b.append("| ")
          .append(cell(r.pack().name()))
          .append(" | ")
          .append(cell(r.pack().version()))
          .append(" | ")
          .append(r.count(CaseResult.Status.PASSED))
          .append(" | ")
          .append(r.count(CaseResult.Status.FAILED))
          .append(" | ")
          .append(r.count(CaseResult.Status.ERROR))
          .append(" | ")
          .append(r.count(CaseResult.Status.SKIPPED))
          .append(" |\n");
    }
    boolean header = false;
    for (PackResult r : packs) {
      for (CaseResult c : r.results()) {
        if (c.status() == CaseResult.Status.PASSED) {
          continue;
        }
        if (!header) {
          b.append("\n| pack | case | status | detail |\n|---|---|---|---|\n");
          header = true;
        }
        b.append("| ")
            .append(cell(r.pack().name()))
            .append(" | ")
            .append(cell(c.test().id()))
            .append(" | ")
            .append(c.status().wireName())
            .append(" | ")
            .append(cell(c.detail()))
            .append(" |\n");
      }
    }
    return b.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
