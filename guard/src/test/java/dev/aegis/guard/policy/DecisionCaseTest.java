package dev.aegis.guard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract test's case reader and comparison catch what they should. */
class DecisionCaseTest {
  @TempDir Path dir;

  @Test
  void namedManifestsAreResolvedAndInlineOnesKept() throws Exception {
    List<DecisionCase> cases = DecisionCase.readDirectory(TestPolicies.casesDirectory());
    DecisionCase named = byId(cases, "MINI-ALLOW-001");
    assertThat(named.input().at("/manifest/permissions/tools/0").asText()).isEqualTo("read_file");
    DecisionCase inline = byId(cases, "MINI-INLINE-001");
    assertThat(inline.input().at("/manifest/permissions/tools/0").asText()).isEqualTo("ping");
    assertThat(byId(cases, "MINI-UNDECLARED-002").input().has("manifest")).isFalse();
    assertThat(named.displayName())
        .isEqualTo("MINI-ALLOW-001 — a declared tool is allowed with the default constraints");
  }

  @Test
  void mismatchesNameWhatDiffers() throws Exception {
    DecisionCase c =
        byId(DecisionCase.readDirectory(TestPolicies.casesDirectory()), "MINI-ALLOW-001");
    ObjectNode constraints =
        Json.object().put("max_output_bytes", 1048576L).put("timeout_ms", 30000);
    assertThat(c.mismatch(new Decision(Outcome.ALLOW, "OK", constraints))).isNull();
    assertThat(c.mismatch(new Decision(Outcome.DENY, "OK", constraints)))
        .isEqualTo("outcome deny (want allow)");
    assertThat(c.mismatch(new Decision(Outcome.ALLOW, "FINE", constraints)))
        .isEqualTo("reason FINE (want OK)");
    assertThat(c.mismatch(new Decision(Outcome.ALLOW, "OK", constraints.put("timeout_ms", 1))))
        .startsWith("constraints ");
    assertThat(c.mismatch(new Decision(Outcome.ALLOW, "OK", null))).startsWith("constraints ");
  }

  @Test
  void aCaseWithoutConstraintsDoesNotCheckThem() throws Exception {
    DecisionCase c =
        byId(DecisionCase.readDirectory(TestPolicies.casesDirectory()), "MINI-BUDGET-002");
    assertThat(c.mismatch(new Decision(Outcome.ALLOW, "OK", Json.object().put("x", 1)))).isNull();
  }

  @Test
  void anUnknownManifestNameIsAnError() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "name: bad\ncases:\n  - id: X-1\n    input: {event: {}, manifest: nope}\n"
                + "    want: {outcome: deny, reason: R}\n");
    assertThatThrownBy(() -> DecisionCase.readFile(f))
        .isInstanceOf(IOException.class)
        .hasMessage("bad.yaml X-1: no manifest named nope");
  }

  private static DecisionCase byId(List<DecisionCase> cases, String id) {
    return cases.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }
}
