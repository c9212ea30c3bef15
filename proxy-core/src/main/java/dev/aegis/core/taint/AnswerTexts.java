package dev.aegis.core.taint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The text a client receives in a tools/call answer, as fingerprinted: never image, audio or blob
 * data, nor MIME types and other protocol fields. Pure and thread-safe.
 */
final class AnswerTexts {
  private static final List<String> LINK_FIELDS = List.of("uri", "name", "title", "description");

  private AnswerTexts() {}

  static List<String> of(JsonNode response) {
    List<String> out = new ArrayList<>();
    if (response == null) {
      return out;
    }
    JsonNode error = response.get("error");
    if (error != null) {
      text(error.get("message"), out);
      leaves(error.get("data"), out);
      return out;
    }
    JsonNode result = response.path("result");
    for (JsonNode item : result.path("content")) {
      switch (item.path("type").asText("")) {
        case "text" -> text(item.get("text"), out);
        case "resource" -> text(item.path("resource").get("text"), out);
        case "resource_link" -> LINK_FIELDS.forEach(f -> text(item.get(f), out));
        default -> {} // image, audio: binary
      }
    }
    leaves(result.get("structuredContent"), out);
    return out;
  }

  private static void text(JsonNode n, List<String> out) {
    if (n != null && n.isTextual()) {
      out.add(n.asText());
    }
  }

  /** Every string and number below {@code n}. */
  private static void leaves(JsonNode n, List<String> out) {
    if (n == null) {
      return;
    }
    if (n.isContainerNode()) {
      n.forEach(v -> leaves(v, out));
    } else if (n.isTextual() || n.isNumber()) {
      out.add(n.asText());
    }
  }
}
