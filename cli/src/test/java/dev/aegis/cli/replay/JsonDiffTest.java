package dev.aegis.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The semantic JSON differ of live replay and its ignore patterns. */
class JsonDiffTest {
  private static List<String> diff(String a, String b, String... ignore) throws Exception {
    List<JsonPointerPattern> patterns =
        List.of(ignore).stream().map(JsonPointerPattern::parse).toList();
    return new JsonDiff(patterns)
            .compare(
                Json.parse(a.getBytes(StandardCharsets.UTF_8)),
                Json.parse(b.getBytes(StandardCharsets.UTF_8)))
            .stream()
            .map(
                e ->
                    e.pointer()
                        + " "
                        + (e.left() == null ? "-" : Json.write(e.left()))
                        + " "
                        + (e.right() == null ? "-" : Json.write(e.right())))
            .toList();
  }

  @Test
  void keyOrderDoesNotMatterAndNumbersCompareByValue() throws Exception {
    assertThat(
            diff(
                "{\"a\":1,\"b\":{\"x\":2.50,\"y\":[1,2]}}",
                "{\"b\":{\"y\":[1.0,2e0],\"x\":2.5},\"a\":1}"))
        .isEmpty();
    assertThat(diff("{\"n\":1}", "{\"n\":\"1\"}")).containsExactly("/n 1 \"1\"");
    assertThat(diff("{\"n\":10000000000000000001}", "{\"n\":10000000000000000000}"))
        .as("big integers are compared exactly")
        .hasSize(1);
  }

  @Test
  void arraysCompareInOrderAndExtraElementsAreReported() throws Exception {
    assertThat(diff("[1,2]", "[2,1]")).containsExactly("/0 1 2", "/1 2 1");
    assertThat(diff("{\"c\":[{\"t\":\"a\"}]}", "{\"c\":[{\"t\":\"a\"},{\"t\":\"b\"}]}"))
        .containsExactly("/c/1 - {\"t\":\"b\"}");
  }

  @Test
  void eachDifferenceIsReportedAtItsDeepestPointer() throws Exception {
    assertThat(
            diff(
                "{\"content\":[{\"type\":\"text\",\"text\":\"Echo: a\"}],\"isError\":false}",
                "{\"content\":[{\"type\":\"text\",\"text\":\"Echo: b\"}],\"extra\":null}"))
        .containsExactly(
            "/content/0/text \"Echo: a\" \"Echo: b\"", "/extra - null", "/isError false -");
    assertThat(diff("{\"a/b\":{\"m~n\":1}}", "{\"a/b\":{\"m~n\":2}}"))
        .as("RFC 6901 escaping")
        .containsExactly("/a~1b/m~0n 1 2");
    assertThat(diff("{\"a\":{\"b\":1}}", "{\"a\":[1]}")).containsExactly("/a {\"b\":1} [1]");
    assertThat(diff("1", "2")).containsExactly(" 1 2");
  }

  @Test
  void ignoredPointersSkipTheirSubtreeAndStarMatchesAnyIndex() throws Exception {
    String a =
        "{\"content\":[{\"text\":\"x\",\"type\":\"text\"},{\"text\":\"y\",\"type\":\"text\"}]}";
    String b =
        "{\"content\":[{\"text\":\"1\",\"type\":\"text\"},{\"text\":\"2\",\"type\":\"image\"}]}";
    assertThat(diff(a, b, "/content/*/text")).containsExactly("/content/1/type \"text\" \"image\"");
    assertThat(diff(a, b, "/content/0")).hasSize(2);
    assertThat(diff(a, b, "/content")).isEmpty();
    assertThat(diff(a, b, "")).as("the empty pointer is the whole value").isEmpty();
    assertThat(diff("{\"a/b\":1}", "{\"a/b\":2}", "/a~1b")).isEmpty();
  }

  @Test
  void patternsMayBeScopedToOneTool() {
    JsonPointerPattern scoped = JsonPointerPattern.parse("get-env:/content/*/text");
    assertThat(scoped.tool()).isEqualTo("get-env");
    assertThat(scoped.tokens()).containsExactly("content", "*", "text");
    assertThat(scoped.appliesTo("get-env")).isTrue();
    assertThat(scoped.appliesTo("echo")).isFalse();
    assertThat(JsonPointerPattern.parse("/x").appliesTo("echo")).isTrue();
    assertThatThrownBy(() -> JsonPointerPattern.parse("content/text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: a JSON pointer");
  }
}
