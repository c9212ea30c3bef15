package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the ITs that talk raw JSON-RPC lines to bin/aegis-proxy share: the 2025 handshake, tool
 * calls, a minimal manifest, waiting for the answer with an id, and running bin/aegisctl to its
 * end.
 */
final class McpLines {
  /** A 2025-06-18 initialize without capabilities (id 0). */
  static final String INIT =
      "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";

  /** The client's initialized notification. */
  static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

  private McpLines() {}

  /** A tools/call request line; {@code args} is the arguments' JSON text. */
  static String call(int id, String tool, String args) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + args
        + "}}";
  }

  /** Sends the handshake (id 0) and a tools/list (id 1), waiting for both answers. */
  static void handshakeAndList(ProxyProcess p) throws Exception {
    p.send(INIT);
    answer(p, 0);
    p.send(INITIALIZED);
    p.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}");
    answer(p, 1);
  }

  /** Writes a minimal manifest with these permissions (JSON text) to {@code file}. */
  static Path manifest(Path file, String permissions) throws Exception {
    return Files.writeString(
        file,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"t\",\"version\":\"1.0.0\","
            + "\"publisher\":\"t\",\"permissions\":"
            + permissions
            + "}");
  }

  /** Waits (60 s at most) for the answer with this id, skipping notifications and requests. */
  static JsonNode answer(ProxyProcess p, int id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : p.stdout().split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = Json.parse(line.getBytes(StandardCharsets.UTF_8));
        if (n.path("id").isInt() && n.get("id").asInt() == id && !n.has("method")) {
          return n;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no answer with id " + id + "; stdout:\n" + p.stdout());
  }

  /** A finished bin/aegisctl run. */
  record Ctl(int code, String out, String err) {
    /** stdout as JSON. */
    JsonNode json() throws Exception {
      return Json.parse(out.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Runs bin/aegisctl with these arguments to its end (2 minutes at most). */
  static Ctl ctl(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProxyProcess.bin("aegisctl").toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Ctl(p.exitValue(), out, err);
  }

  /** As above. */
  static Ctl ctl(String... args) throws Exception {
    return ctl(List.of(args));
  }
}
