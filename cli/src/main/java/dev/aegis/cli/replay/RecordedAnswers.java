package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers of a recorded session, keyed by request: method plus the canonical form (RFC 8785) of
 * its params without {@code _meta}. The answer to a request is what its client received: the
 * proxy's own frame for that id when there is one (a refusal, a filtered tools/list), else the
 * server's. Identical requests get their recorded answers in order, the last one again once they
 * run out. Thread-safe (synchronized).
 */
final class RecordedAnswers {
  private final Map<String, Deque<byte[]>> byRequest = new HashMap<>();
  private final Map<String, Deque<byte[]>> byMethod = new HashMap<>();

  RecordedAnswers(Recording recording) {
    Map<String, String> keyOfId = new HashMap<>();
    Map<String, byte[]> answerOfId = new HashMap<>();
    Map<String, Boolean> fromProxy = new HashMap<>();
    List<String> order = new ArrayList<>();
    Map<String, String> methodOfId = new HashMap<>();
    for (Recording.Event e : recording.events()) {
      JsonNode p = e.payload();
      if (!e.type().equals("MCP_FRAME") || e.body() == null || !p.path("id").isTextual()) {
        continue;
      }
      String id = p.get("id").asText();
      String kind = p.path("kind").asText();
      boolean toServer = p.path("direction").asText().equals("client_to_server");
      if (toServer && kind.equals("request") && p.path("origin").asText().equals("client")) {
        String key = key(p.path("method").asText(), params(e.body()));
        if (key != null && !keyOfId.containsKey(id)) {
          keyOfId.put(id, key);
          methodOfId.put(id, p.path("method").asText());
          order.add(id);
        }
      } else if (!toServer && (kind.equals("result") || kind.equals("error"))) {
        boolean proxy = p.path("origin").asText().equals("proxy");
        if (keyOfId.containsKey(id) && (proxy || !fromProxy.getOrDefault(id, false))) {
          if (!answerOfId.containsKey(id) || proxy) {
            answerOfId.put(id, e.body());
            fromProxy.put(id, proxy);
          }
        }
      }
    }
    for (String id : order) {
      byte[] answer = answerOfId.get(id);
      if (answer != null) {
        byRequest.computeIfAbsent(keyOfId.get(id), k -> new ArrayDeque<>()).add(answer);
        byMethod.computeIfAbsent(methodOfId.get(id), k -> new ArrayDeque<>()).add(answer);
      }
    }
  }

  /** The params of a request body without {@code _meta}, or null when it is not JSON. */
  private static JsonNode params(byte[] body) {
    try {
      JsonNode params = Json.parse(body).path("params");
      if (params.isObject() && params.has("_meta")) {
        ObjectNode copy = ((ObjectNode) params).deepCopy();
        copy.remove("_meta");
        return copy;
      }
      return params.isMissingNode() ? Json.object() : params;
    } catch (IOException e) {
      return null;
    }
  }

  private static String key(String method, JsonNode params) {
    return params == null ? null : method + " " + EnvelopeHasher.hashOf(params);
  }

  /**
   * The recorded answer to a request (its body), or null when the recording has none. {@code
   * initialize} falls back to the first recorded initialize answer: client versions and names
   * differ between runs of the same agent.
   */
  synchronized byte[] answer(String method, byte[] request) {
    String key = key(method, params(request));
    Deque<byte[]> q = key == null ? null : byRequest.get(key);
    if (q != null && !q.isEmpty()) {
      byte[] a = q.size() > 1 ? q.poll() : q.peek();
      return a;
    }
    if (method.equals("initialize")) {
      Deque<byte[]> any = byMethod.get(method);
      return any == null ? null : any.peek();
    }
    return null;
  }
}
