package dev.aegis.guard.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.aegis.core.guard.Decision;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One data-driven decision case: an input {@code {event, snapshot, manifest}} and the decision it
 * must get. Read from YAML files of the form
 *
 * <pre>
 * name: rules
 * manifests: {basic: {...}}          # named manifests
 * cases:
 *   - id: UNDECLARED-001
 *     note: ...
 *     input: {event: ..., snapshot: ..., manifest: basic}   # a name, or an inline object
 *     want: {outcome: deny, reason: PERMISSION_UNDECLARED, constraints: {...}}  # constraints optional
 * </pre>
 */
public record DecisionCase(
    String file,
    String id,
    String note,
    ObjectNode input,
    String outcome,
    String reason,
    JsonNode constraints) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Numbers compare by value: YAML's 1048576 equals the policy's 1048576 whatever the type. */
  private static final Comparator<JsonNode> BY_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
        }
        return a.equals(b) ? 0 : 1;
      };

  /** The test's display name: id and note. */
  public String displayName() {
    return note == null || note.isBlank() ? id : id + " — " + note;
  }

  /** Null when the decision is what the case wants, else what differs. */
  public String mismatch(Decision got) {
    requireNonNull(got, "got");
    List<String> diffs = new ArrayList<>();
    if (!got.outcome().wireName().equals(outcome)) {
      diffs.add("outcome " + got.outcome().wireName() + " (want " + outcome + ")");
    }
    if (!got.reason().equals(reason)) {
      diffs.add("reason " + got.reason() + " (want " + reason + ")");
    }
    if (constraints != null && !got.constraints().equals(BY_VALUE, constraints)) {
      diffs.add("constraints " + got.constraints() + " (want " + constraints + ")");
    }
    return diffs.isEmpty() ? null : String.join(", ", diffs);
  }

  /** Every case in the {@code *.yaml} files of a directory, files in name order; ids unique. */
  public static List<DecisionCase> readDirectory(Path dir) throws IOException {
    List<DecisionCase> all = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (DecisionCase c : readFile(f)) {
          String other = seen.putIfAbsent(c.id(), c.file());
          if (other != null) {
            throw new IOException(c.file() + ": case id " + c.id() + " already used in " + other);
          }
          all.add(c);
        }
      }
    }
    return all;
  }

  /** The cases of one YAML file, manifests resolved. */
  public static List<DecisionCase> readFile(Path file) throws IOException {
    JsonNode doc = YAML.readTree(file.toFile());
    String where = file.getFileName().toString();
    if (doc == null || !doc.path("cases").isArray()) {
      throw new IOException(where + ": no cases list");
    }
    JsonNode manifests = doc.path("manifests");
    List<DecisionCase> cases = new ArrayList<>();
    for (JsonNode c : doc.get("cases")) {
      String id = text(c, "id", where);
      String at = where + " " + id;
      if (!c.path("input").isObject() || !c.path("want").isObject()) {
        throw new IOException(at + ": input and want must be objects");
      }
      ObjectNode input = ((ObjectNode) c.get("input")).deepCopy();
      JsonNode manifest = input.get("manifest");
      if (manifest != null && manifest.isTextual()) {
        JsonNode named = manifests.get(manifest.asText());
        if (named == null) {
          throw new IOException(at + ": no manifest named " + manifest.asText());
        }
        input.set("manifest", named.deepCopy());
      }
      JsonNode want = c.get("want");
      JsonNode constraints = want.get("constraints");
      cases.add(
          new DecisionCase(
              where,
              id,
              c.path("note").asText(null),
              input,
              text(want, "outcome", at),
              text(want, "reason", at),
              constraints == null || constraints.isNull() ? null : constraints));
    }
    return cases;
  }

  private static String text(JsonNode n, String field, String where) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IOException(where + ": missing " + field);
    }
    return v.asText();
  }
}
