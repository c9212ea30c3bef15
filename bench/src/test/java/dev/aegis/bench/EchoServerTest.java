package dev.aegis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EchoServerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void answersTheMcpLifecycleAndEchoes() throws IOException {
    List<JsonNode> answers =
        serve(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":\"list\",\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"h\\u00e9 \\\"x\\\"\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}");

    assertThat(answers).hasSize(4); // the notification and the stray response get no answer
    JsonNode init = answers.get(0);
    assertThat(init.get("id").isInt()).isTrue();
    assertThat(init.at("/result/protocolVersion").asText()).isEqualTo("2025-03-26");
    assertThat(init.at("/result/capabilities/tools").isObject()).isTrue();
    assertThat(init.at("/result/serverInfo/name").asText()).isEqualTo("aegis-bench-echo");

    assertThat(answers.get(1).get("id").asText()).isEqualTo("list");
    assertThat(answers.get(1).at("/result/tools/0/name").asText()).isEqualTo("echo");
    assertThat(answers.get(1).at("/result/tools/0/inputSchema/type").asText()).isEqualTo("object");

    JsonNode call = answers.get(2);
    assertThat(call.get("id").asInt()).isEqualTo(7);
    assertThat(call.at("/result/content/0/type").asText()).isEqualTo("text");
    assertThat(call.at("/result/content/0/text").asText()).isEqualTo("hé \"x\"");

    JsonNode ping = answers.get(3);
    assertThat(ping.get("id").isTextual()).isTrue(); // "7" stays a string
    assertThat(ping.get("result").isEmpty()).isTrue();
    for (JsonNode a : answers) {
      assertThat(a.get("jsonrpc").asText()).isEqualTo("2.0");
    }
  }

  @Test
  void preservesLargeIdsAndReportsErrors() throws IOException {
    List<JsonNode> answers =
        serve(
            "{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"big\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/list\"}",
            "not json",
            "");

    assertThat(answers).hasSize(4);
    assertThat(answers.get(0).get("id").bigIntegerValue()).hasToString("12345678901234567890");
    assertThat(answers.get(0).at("/result/content/0/text").asText()).isEqualTo("big");
    assertThat(answers.get(1).at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(answers.get(2).at("/error/code").asInt()).isEqualTo(-32601);
    assertThat(answers.get(3).get("id").isNull()).isTrue();
    assertThat(answers.get(3).at("/error/code").asInt()).isEqualTo(-32700);
  }

  @Test
  void harnessTemplateMatchesTheServerExactly() throws IOException {
    EchoRequests requests = new EchoRequests(300);
    byte[] request = requests.call(42);
    byte[] out = serveBytes(request);
    byte[] answer = java.util.Arrays.copyOf(out, out.length - 1);

    requests.check(42, answer); // throws if the bytes differ
    assertThat(out[out.length - 1]).isEqualTo((byte) '\n');
    assertThat(MAPPER.readTree(answer).at("/result/content/0/text").asText()).hasSize(300);
  }

  private static List<JsonNode> serve(String... lines) throws IOException {
    byte[] out = serveBytes((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    List<JsonNode> answers = new ArrayList<>();
    for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        answers.add(MAPPER.readTree(line));
      }
    }
    return answers;
  }

  private static byte[] serveBytes(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EchoServer.serve(new ByteArrayInputStream(in), out);
    return out.toByteArray();
  }
}
