package dev.aegis.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks answers of the running control API against docs/openapi.yaml: the operation exists, the
 * status is documented for it, and the JSON body matches the documented schema (type, required,
 * properties, items, enum, nullable, $ref). Records which operations were exercised.
 */
final class OpenApiCheck {
  private final JsonNode doc;
  private final TreeSet<String> exercised = new TreeSet<>();

  OpenApiCheck(Path file) throws IOException {
    this.doc = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
  }

  /** Every "METHOD /path/template" in the document. */
  TreeSet<String> operations() {
    TreeSet<String> ops = new TreeSet<>();
    doc.path("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(m -> ops.add(m.toUpperCase() + " " + p.getKey())));
    return ops;
  }

  TreeSet<String> exercised() {
    return exercised;
  }

  /** Problems with one answer (empty when it conforms). */
  List<String> check(String method, String path, int status, JsonNode body) {
    List<String> problems = new ArrayList<>();
    String template = null;
    for (Iterator<String> it = doc.path("paths").fieldNames(); it.hasNext(); ) {
      String t = it.next();
      if (Pattern.compile(t.replaceAll("\\{[^/]+}", "[^/]+")).matcher(path).matches()) {
        template = t;
      }
    }
    if (template == null) {
      problems.add(path + ": no such path in openapi.yaml");
      return problems;
    }
    JsonNode op = doc.path("paths").path(template).path(method.toLowerCase());
    if (op.isMissingNode()) {
      problems.add(method + " " + template + ": no such operation in openapi.yaml");
      return problems;
    }
    exercised.add(method + " " + template);
    JsonNode response = resolve(op.path("responses").path(String.valueOf(status)));
    if (response.isMissingNode()) {
      problems.add(method + " " + template + ": status " + status + " not documented");
      return problems;
    }
    JsonNode schema = response.path("content").path("application/json").path("schema");
    if (!schema.isMissingNode()) {
      validate(schema, body, method + " " + template + " " + status + " $", problems);
    }
    return problems;
  }

  private JsonNode resolve(JsonNode n) {
    while (n.has("$ref")) {
      String[] parts = n.get("$ref").asText().substring(2).split("/");
      JsonNode t = doc;
      for (String p : parts) {
        t = t.path(p);
      }
      n = t;
    }
    return n;
  }

  private void validate(JsonNode schema, JsonNode v, String at, List<String> problems) {
    schema = resolve(schema);
    if (v == null || v.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        problems.add(at + ": null but not nullable");
      }
      return;
    }
    String type = schema.path("type").asText("");
    boolean ok =
        switch (type) {
          case "object" -> v.isObject();
          case "array" -> v.isArray();
          case "string" -> v.isTextual();
          case "integer" -> v.isIntegralNumber();
          case "number" -> v.isNumber();
          case "boolean" -> v.isBoolean();
          default -> true;
        };
    if (!ok) {
      problems.add(at + ": expected " + type + ", got " + v.getNodeType());
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(v);
      }
      if (!found) {
        problems.add(at + ": " + v + " not in " + schema.get("enum"));
      }
    }
    for (JsonNode r : schema.path("required")) {
      if (!v.has(r.asText())) {
        problems.add(at + ": missing required " + r.asText());
      }
    }
    if (v.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        if (v.has(p.getKey())) {
          validate(p.getValue(), v.get(p.getKey()), at + "." + p.getKey(), problems);
        }
      }
    }
    if (v.isArray() && schema.has("items")) {
      for (int i = 0; i < v.size(); i++) {
        validate(schema.get("items"), v.get(i), at + "[" + i + "]", problems);
      }
    }
  }
}
