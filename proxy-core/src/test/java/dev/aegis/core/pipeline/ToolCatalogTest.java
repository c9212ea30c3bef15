package dev.aegis.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.EventType;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolCatalogTest {
  private final ToolCatalog catalog = new ToolCatalog();
  private long seq;

  private static JsonNode json(String s) throws Exception {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String tool(String name, String description) {
    return "{\"name\":\""
        + name
        + "\",\"description\":\""
        + description
        + "\",\"inputSchema\":{\"type\":\"object\"},\"annotations\":{\"destructiveHint\":true}}";
  }

  /** Checks a result and feeds the events back as if sealed. */
  private List<ToolCatalog.Event> list(String result) throws Exception {
    List<ToolCatalog.Event> events = catalog.check(json(result), 7);
    for (ToolCatalog.Event e : events) {
      seal(e.type(), e.payload());
    }
    return events;
  }

  private void seal(EventType type, JsonNode payload) {
    catalog.observe(
        new Envelope(
            "t", "", "s", seq, 0, type.name(), payload, seq++ == 0 ? null : "0".repeat(64)));
  }

  @Test
  void theDigestIsTheCanonicalHashOfTheWholeToolObject() throws Exception {
    JsonNode t = json(tool("a", "x"));
    assertThat(ToolCatalog.digest(t)).isEqualTo(EnvelopeHasher.hashOf(t));
    JsonNode reordered =
        json(
            "{\"annotations\":{\"destructiveHint\":true},\"inputSchema\":{\"type\":\"object\"},"
                + "\"description\":\"x\",\"name\":\"a\"}");
    assertThat(ToolCatalog.digest(reordered)).isEqualTo(ToolCatalog.digest(t));
    assertThat(ToolCatalog.unnamedDigest(json(tool("b", "x"))))
        .isEqualTo(ToolCatalog.unnamedDigest(t));
  }

  @Test
  void firstListPinsEveryToolOnceWithItsAnnotations() throws Exception {
    List<ToolCatalog.Event> events =
        list("{\"tools\":[" + tool("a", "x") + "," + tool("b", "y") + "]}");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).type()).isEqualTo(EventType.TOOL_CATALOG_PINNED);
    JsonNode tools = events.get(0).payload().get("tools");
    assertThat(tools.get("a").get("sha256").asText())
        .isEqualTo(ToolCatalog.digest(json(tool("a", "x"))));
    assertThat(tools.get("b").at("/annotations/destructiveHint").asBoolean()).isTrue();
    assertThat(events.get(0).payload().get("frame_seq").asLong()).isEqualTo(7);
    assertThat(list("{\"tools\":[" + tool("a", "x") + "," + tool("b", "y") + "]}")).isEmpty();
  }

  @Test
  void aChangedDefinitionIsReportedOnceAndANewToolIsPinned() throws Exception {
    list("{\"tools\":[" + tool("a", "x") + "]}");
    List<ToolCatalog.Event> events =
        list("{\"tools\":[" + tool("a", "CHANGED") + "," + tool("c", "z") + "]}");
    assertThat(events)
        .extracting(ToolCatalog.Event::type)
        .containsExactly(EventType.TOOL_CATALOG_PINNED, EventType.TOOL_CATALOG_CHANGED);
    assertThat(events.get(0).payload().get("tools").has("a")).isFalse();
    JsonNode changed = events.get(1).payload();
    assertThat(changed.get("changed").toString()).isEqualTo("[\"a\"]");
    assertThat(changed.get("renamed")).isEmpty();
    assertThat(list("{\"tools\":[" + tool("a", "CHANGED") + "]}")).as("reported once").isEmpty();
    assertThat(list("{\"tools\":[" + tool("a", "AGAIN") + "]}")).hasSize(1);
  }

  @Test
  void aRenameIsAPinnedToolGoneAndItsDefinitionBackUnderANewName() throws Exception {
    list("{\"tools\":[" + tool("a", "x") + "," + tool("b", "y") + "]}");
    List<ToolCatalog.Event> events =
        list("{\"tools\":[" + tool("a2", "x") + "," + tool("b", "y") + "]}");
    assertThat(events).hasSize(2);
    JsonNode changed = events.get(1).payload();
    assertThat(changed.get("changed")).isEmpty();
    assertThat(changed.get("renamed").toString()).isEqualTo("[{\"from\":\"a\",\"to\":\"a2\"}]");
  }

  @Test
  void pagesAreMergedSoAToolOnALaterPageIsNotRenamed() throws Exception {
    list("{\"tools\":[" + tool("a", "x") + "]}");
    assertThat(list("{\"tools\":[" + tool("a2", "x") + "],\"nextCursor\":\"p2\"}"))
        .extracting(ToolCatalog.Event::type)
        .containsExactly(EventType.TOOL_CATALOG_PINNED);
    assertThat(list("{\"tools\":[" + tool("a", "x") + "]}")).as("a is still listed").isEmpty();
  }

  @Test
  void aRenameAcrossPagesIsFoundWhenTheListingCompletes() throws Exception {
    list("{\"tools\":[" + tool("a", "x") + "," + tool("b", "y") + "]}");
    list("{\"tools\":[" + tool("a2", "x") + "],\"nextCursor\":\"p2\"}");
    List<ToolCatalog.Event> last = list("{\"tools\":[" + tool("b", "y") + "]}");
    assertThat(last)
        .extracting(ToolCatalog.Event::type)
        .containsExactly(EventType.TOOL_CATALOG_CHANGED);
    assertThat(last.get(0).payload().get("renamed").toString())
        .isEqualTo("[{\"from\":\"a\",\"to\":\"a2\"}]");
  }

  @Test
  void changeMarksCoverBothNamesOfARenameUntilARepinReplacesThePin() throws Exception {
    list("{\"tools\":[" + tool("a", "x") + "," + tool("b", "y") + "]}");
    list("{\"tools\":[" + tool("a2", "x") + "," + tool("b", "CHANGED") + "]}");
    assertThat(catalog.changedNames()).containsExactlyInAnyOrder("a", "a2", "b");
    assertThat(catalog.isRenameTarget("a2")).isTrue();
    assertThat(catalog.isRenameTarget("b")).isFalse();
    String approved = ToolCatalog.digest(json(tool("b", "CHANGED")));
    JsonNode repinned =
        json("{\"tools\":{\"b\":{\"sha256\":\"" + approved + "\",\"unnamed_sha256\":\"u\"}}}");
    seal(EventType.TOOL_CATALOG_REPINNED, repinned);
    assertThat(catalog.changedNames()).containsExactlyInAnyOrder("a", "a2");
    assertThat(catalog.pinnedSha("b")).isEqualTo(approved);
    assertThat(list("{\"tools\":[" + tool("a2", "x") + "," + tool("b", "CHANGED") + "]}"))
        .as("the approved definition is the pin now")
        .isEmpty();
    assertThat(list("{\"tools\":[" + tool("a2", "x") + "," + tool("b", "y") + "]}"))
        .as("the old definition is a change again")
        .extracting(ToolCatalog.Event::type)
        .containsExactly(EventType.TOOL_CATALOG_CHANGED);
  }

  @Test
  void aResultThatIsNotAToolListCallsForNothing() throws Exception {
    assertThat(list("{\"echo\":\"tools/list\"}")).isEmpty();
    assertThat(list("{\"tools\":[{\"description\":\"no name\"}]}")).isEmpty();
  }
}
