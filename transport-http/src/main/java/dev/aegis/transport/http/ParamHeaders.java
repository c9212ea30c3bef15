package dev.aegis.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.frame.Frame;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code x-mcp-header} annotations of the upstream's tools, learnt from every {@code
 * tools/list} answer it sends, so that a {@code tools/call}'s {@code Mcp-Param-*} headers can be
 * checked against its arguments. A tool never listed (or listed without annotations) has its {@code
 * Mcp-Param-*} headers forwarded unchecked apart from their characters, as the spec asks of
 * intermediaries that do not recognise them. Thread-safe.
 */
final class ParamHeaders {
  /** One annotated property: the header's name part and the property's path from the root. */
  record Param(String header, List<String> path) {}

  private final Map<String, List<Param>> byTool = new ConcurrentHashMap<>();

  /** Learns the annotations of the tools in a {@code tools/list} answer (one page of them). */
  void learn(Frame answer) {
    JsonNode tools;
    try {
      tools = answer.tree().path("result").path("tools");
    } catch (IOException e) {
      return;
    }
    for (JsonNode t : tools) {
      if (!t.path("name").isTextual()) {
        continue;
      }
      List<Param> params = new ArrayList<>();
      collect(t.path("inputSchema"), new ArrayList<>(), params);
      byTool.put(t.get("name").asText(), List.copyOf(params));
    }
  }

  /** Annotations reachable from the root by a chain of {@code properties} keys only. */
  private static void collect(JsonNode schema, List<String> path, List<Param> out) {
    JsonNode props = schema.path("properties");
    if (!props.isObject()) {
      return;
    }
    props
        .fields()
        .forEachRemaining(
            e -> {
              List<String> p = new ArrayList<>(path);
              p.add(e.getKey());
              JsonNode h = e.getValue().path("x-mcp-header");
              if (h.isTextual() && !h.asText().isEmpty()) {
                out.add(new Param(h.asText(), List.copyOf(p)));
              }
              collect(e.getValue(), p, out);
            });
  }

  /**
   * Null if the call's {@code Mcp-Param-*} headers agree with its arguments for every annotated
   * parameter of the tool (a value present needs its header, equal after decoding; integers are
   * compared numerically; a header without a value is a mismatch), else what is wrong.
   */
  String problem(HttpHeaders h, String tool, JsonNode arguments) {
    List<Param> params = tool == null ? null : byTool.get(tool);
    if (params == null) {
      return null;
    }
    Map<String, String> sent = new HashMap<>();
    for (Map.Entry<String, String> e : h) {
      String n = e.getKey().toLowerCase(Locale.ROOT);
      if (n.startsWith("mcp-param-")) {
        sent.put(n.substring("mcp-param-".length()), e.getValue());
      }
    }
    for (Param p : params) {
      JsonNode v = arguments;
      for (String step : p.path()) {
        v = v.path(step);
      }
      String header = sent.get(p.header().toLowerCase(Locale.ROOT));
      boolean absent = v.isMissingNode() || v.isNull();
      if (absent && header == null) {
        continue;
      }
      if (header == null) {
        return "the Mcp-Param-" + p.header() + " header is missing";
      }
      String decoded = HeaderCheck.decode(header);
      if (absent || decoded == null || !same(v, decoded)) {
        return "Mcp-Param-" + p.header() + " header value does not match the body";
      }
    }
    return null;
  }

  /**
   * The {@code Mcp-Param-*} headers a call to {@code tool} with {@code arguments} carries (name,
   * encoded value), for the frames the proxy sends on its own (an approved call with edited
   * arguments); empty for a tool never listed.
   */
  Map<String, String> headersFor(String tool, JsonNode arguments) {
    List<Param> params = tool == null ? null : byTool.get(tool);
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (params == null) {
      return out;
    }
    for (Param p : params) {
      JsonNode v = arguments;
      for (String step : p.path()) {
        v = v.path(step);
      }
      if (v.isTextual() || v.isBoolean() || v.isIntegralNumber()) {
        out.put("Mcp-Param-" + p.header(), HeaderCheck.encode(v.asText()));
      }
    }
    return out;
  }

  private static boolean same(JsonNode body, String header) {
    if (body.isTextual()) {
      return body.asText().equals(header);
    }
    if (body.isBoolean()) {
      return String.valueOf(body.asBoolean()).equals(header);
    }
    if (body.isNumber()) {
      try {
        return body.decimalValue().compareTo(new BigDecimal(header.trim())) == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }
}
