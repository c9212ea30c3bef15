package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A conformance pack: one YAML file of decision cases (the format of {@code
 * conformance/cases/decide/README.md}, which the engine contract test and {@code opa eval} read
 * too) with optional {@code version}, per-case {@code req_id}, and multi-step cases ({@code steps}
 * instead of {@code input}) decided under the pack's {@code session_manifest}; or an MCP pack (an
 * {@code mcp} section, every case a list of client {@code frames} sent through a real proxy).
 * Immutable.
 *
 * @param name the pack's name (unique among shipped packs)
 * @param description what it covers
 * @param version the pack's version ({@code 1} when absent)
 * @param file where it was read from
 * @param sessionManifest the manifest multi-step cases run under, or null
 * @param mcp the proxy and server an MCP pack's cases run through, or null
 * @param cases the cases in file order
 */
public record Pack(
    String name,
    String description,
    String version,
    Path file,
    JsonNode sessionManifest,
    McpSetup mcp,
    List<PackCase> cases) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Copies the case list. */
  public Pack {
    cases = List.copyOf(cases);
  }

  /** A pack of decision and multi-step cases. */
  public Pack(
      String name,
      String description,
      String version,
      Path file,
      JsonNode sessionManifest,
      List<PackCase> cases) {
    this(name, description, version, file, sessionManifest, null, cases);
  }

  /** True when some case needs a session (multi-step). */
  public boolean stateful() {
    return cases.stream().anyMatch(PackCase::stateful);
  }

  /**
   * Reads a pack file; a malformed file (no name or cases, a case without id, expectation, input,
   * steps or frames, an unknown manifest name, a duplicate id, frames without an {@code mcp}
   * section or an MCP pack with other cases) throws {@link IOException} naming it.
   */
  public static Pack read(Path file) throws IOException {
    JsonNode doc;
    try {
      doc = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": not a YAML pack: " + e.getMessage(), e);
    }
    String where = file.getFileName().toString();
    if (doc == null || !doc.isObject() || !doc.path("cases").isArray()) {
      throw new IOException(where + ": no cases list");
    }
    String name = text(doc, "name", where);
    JsonNode manifests = doc.path("manifests");
    JsonNode session = doc.get("session_manifest");
    JsonNode sessionManifest =
        session == null ? null : resolve(session, manifests, where + " session_manifest");
    McpSetup mcp = doc.has("mcp") ? McpSetup.read(doc.get("mcp"), manifests, where) : null;
    List<PackCase> cases = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (JsonNode c : doc.get("cases")) {
      String id = text(c, "id", where);
      String at = where + " " + id;
      if (!ids.add(id)) {
        throw new IOException(at + ": duplicate case id");
      }
      JsonNode want = c.get("want");
      if (want == null || !want.isObject()) {
        throw new IOException(at + ": want must be an object");
      }
      if (mcp != null || c.has("frames")) {
        cases.add(mcpCase(c, id, at, mcp, (ObjectNode) want));
        continue;
      }
      ObjectNode input = null;
      List<ObjectNode> steps = new ArrayList<>();
      if (c.path("input").isObject()) {
        input = ((ObjectNode) c.get("input")).deepCopy();
        JsonNode m = input.get("manifest");
        if (m != null && m.isTextual()) {
          input.set("manifest", resolve(m, manifests, at));
        }
      } else if (c.path("steps").isArray() && !c.get("steps").isEmpty()) {
        if (sessionManifest == null) {
          throw new IOException(at + ": steps need the pack's session_manifest");
        }
        for (JsonNode s : c.get("steps")) {
          if (!s.isObject() || !s.path("event_type").isTextual()) {
            throw new IOException(at + ": every step is an object with an event_type");
          }
          JsonNode answer = s.path("payload").get("answer");
          if (answer != null
              && !(answer.isObject() && "TOOL_RESULT".equals(s.get("event_type").asText()))) {
            throw new IOException(at + ": payload.answer is a TOOL_RESULT's result object");
          }
          steps.add(((ObjectNode) s).deepCopy());
        }
        if (!"TOOL_CALL_PROPOSED".equals(steps.get(steps.size() - 1).get("event_type").asText())) {
          throw new IOException(at + ": the last step must be a TOOL_CALL_PROPOSED");
        }
      } else {
        throw new IOException(at + ": needs input (an object) or steps (a non-empty list)");
      }
      JsonNode constraints = want.get("constraints");
      cases.add(
          new PackCase(
              id,
              c.path("req_id").asText(null),
              c.path("note").asText(""),
              input,
              steps,
              text(want, "outcome", at),
              text(want, "reason", at),
              constraints == null || constraints.isNull() ? null : constraints));
    }
    return new Pack(
        name,
        doc.path("description").asText("").strip(),
        doc.path("version").asText("1"),
        file,
        sessionManifest,
        mcp,
        cases);
  }

  /**
   * An MCP case: frames (objects with a {@code method}, the last a request, notifications without a
   * {@code want}) and a want whose reason defaults to {@code OK} for {@code allow}.
   */
  private static PackCase mcpCase(JsonNode c, String id, String at, McpSetup mcp, ObjectNode want)
      throws IOException {
    if (mcp == null) {
      throw new IOException(at + ": frames need the pack's mcp section");
    }
    JsonNode list = c.get("frames");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IOException(at + ": an MCP pack's case needs frames (a non-empty list)");
    }
    List<ObjectNode> frames = new ArrayList<>();
    for (JsonNode f : list) {
      if (!f.isObject() || !f.path("method").isTextual()) {
        throw new IOException(at + ": every frame is an object with a method");
      }
      boolean notification = McpAnswers.notification(f);
      if (notification && f.has("want")) {
        throw new IOException(at + ": a notification gets no answer to want");
      }
      if (f.has("want")) {
        McpAnswers.validate(f.get("want"), at);
      }
      frames.add(((ObjectNode) f).deepCopy());
    }
    if (McpAnswers.notification(frames.get(frames.size() - 1))) {
      throw new IOException(at + ": the last frame must be a request (it is answered)");
    }
    McpAnswers.validate(want, at);
    return new PackCase(
        id,
        c.path("req_id").asText(null),
        c.path("note").asText(""),
        null,
        List.of(),
        want.get("outcome").asText(),
        McpAnswers.reason(want),
        null,
        frames,
        want.deepCopy());
  }

  private static JsonNode resolve(JsonNode ref, JsonNode manifests, String at) throws IOException {
    if (!ref.isTextual()) {
      return ref.deepCopy();
    }
    JsonNode named = manifests.get(ref.asText());
    if (named == null) {
      throw new IOException(at + ": no manifest named " + ref.asText());
    }
    return named.deepCopy();
  }

  private static String text(JsonNode n, String field, String where) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IOException(where + ": missing " + field);
    }
    return v.asText();
  }
}
