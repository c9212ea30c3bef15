package dev.aegis.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ReportsTest {
  private static PackCase test(String id, String note) {
    ObjectNode input = Json.object();
    input.putObject("event");
    return new PackCase(id, "R-" + id, note, input, List.of(), "allow", "OK", null);
  }

  private static List<PackResult> results() {
    PackCase a = test("A-1", "fine");
    PackCase b = test("B-2", "a <tricky> & \"quoted\" | note");
    PackCase c = test("C-3", "");
    Pack pack = new Pack("p", "d", "1.0", Path.of("p.yaml"), null, List.of(a, b, c));
    return List.of(
        new PackResult(
            pack,
            List.of(
                new CaseResult(a, CaseResult.Status.PASSED, "allow", "OK", null),
                new CaseResult(
                    b, CaseResult.Status.FAILED, "deny", "X", "outcome deny (want allow) <&>"),
                new CaseResult(c, CaseResult.Status.SKIPPED, null, null, "why"))));
  }

  @Test
  void junitIsWellFormedXmlWithCountsAndEscapedText() throws Exception {
    String xml = Reports.junit(results(), "embedded wasm");
    Document d =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    assertThat(d.getDocumentElement().getAttribute("tests")).isEqualTo("3");
    assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("1");
    assertThat(d.getDocumentElement().getAttribute("skipped")).isEqualTo("1");
    assertThat(d.getElementsByTagName("testcase").getLength()).isEqualTo(3);
    assertThat(
            ((org.w3c.dom.Element) d.getElementsByTagName("failure").item(0))
                .getAttribute("message"))
        .isEqualTo("outcome deny (want allow) <&>");
    assertThat(
            ((org.w3c.dom.Element) d.getElementsByTagName("testcase").item(1)).getAttribute("name"))
        .isEqualTo("B-2 — a <tricky> & \"quoted\" | note");
  }

  @Test
  void markdownHasTheBadgeAndEscapesCells() {
    String md = Reports.markdown(results(), "target http://x");
    assertThat(md)
        .contains(
            "![conformance: 1/2 passed](https://img.shields.io/badge/conformance-1%2F2%20passed-red)")
        .contains("**Not compliant**")
        .contains("| p | B-2 | failed | outcome deny (want allow) <&> |");
  }

  @Test
  void jsonKeepsRunOrderAndCounts() {
    JsonNode doc = Reports.json(results(), "embedded wasm");
    assertThat(doc.path("compliant").asBoolean()).isFalse();
    assertThat(doc.at("/totals/failed").asInt()).isEqualTo(1);
    assertThat(doc.at("/packs/0/tests/1/id").asText()).isEqualTo("B-2");
    assertThat(doc.at("/packs/0/tests/1/req_id").asText()).isEqualTo("R-B-2");
    assertThat(doc.at("/packs/0/tests/2/status").asText()).isEqualTo("skipped");
    List<String> keys = new java.util.ArrayList<>();
    doc.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("target", "compliant", "totals", "packs");
  }
}
