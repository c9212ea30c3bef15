package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import dev.aegis.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A recorded session served back as a stdio MCP server ({@code aegis-proxy --replay-from}): every
 * request is answered with the recorded answer to the same request ({@link RecordedAnswers}), its
 * id replaced by the new request's; notifications and responses are read and ignored; a request the
 * recording has no answer for gets a JSON-RPC error with {@code error.data.reason}
 * NO_RECORDED_ANSWER. Single-threaded: reads and answers in order on the calling thread until the
 * input ends.
 */
public final class RecordedServer {
  /** The reason code of a request the recording cannot answer. */
  public static final String NO_RECORDED_ANSWER = "NO_RECORDED_ANSWER";

  private final RecordedAnswers answers;

  private RecordedServer(RecordedAnswers answers) {
    this.answers = answers;
  }

  /**
   * Reads the session's chain (blocking). Throws {@link ReplayException} when the session does not
   * exist.
   */
  public static RecordedServer of(ChainStore store, String tenantId, String sessionId) {
    try {
      return new RecordedServer(
          new RecordedAnswers(Recording.read(requireNonNull(store, "store"), tenantId, sessionId)));
    } catch (IllegalArgumentException e) {
      throw new ReplayException(e.getMessage());
    }
  }

  /** Serves newline-delimited frames from {@code in} to {@code out} until {@code in} ends. */
  public void serve(InputStream in, OutputStream out) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      Frame frame = Frame.of(bytes);
      if (frame.kind() != FrameKind.REQUEST) {
        continue;
      }
      out.write(respond(answers, frame));
      out.write('\n');
      out.flush();
    }
  }

  /**
   * The answer to {@code request} from {@code answers}: the recorded answer with the request's id,
   * or a NO_RECORDED_ANSWER error. Shared with {@link RecordedHttpServer}.
   */
  static byte[] respond(RecordedAnswers answers, Frame request) {
    String id = request.id().toJson();
    byte[] recorded = answers.answer(request.method(), request.bytes());
    if (recorded == null) {
      String body =
          "{\"jsonrpc\":\"2.0\",\"id\":"
              + id
              + ",\"error\":{\"code\":-32603,\"message\":\"Aegis: no recorded answer to this "
              + request.method()
              + " request\",\"data\":{\"source\":\"aegis\",\"reason\":\""
              + NO_RECORDED_ANSWER
              + "\"}}}";
      return body.getBytes(StandardCharsets.UTF_8);
    }
    Frame answer = Frame.of(recorded);
    if (answer.id() != null && answer.id().toJson().equals(id)) {
      return Arrays.copyOf(recorded, recorded.length); // same id: the recorded bytes as they were
    }
    try {
      ObjectNode tree = (ObjectNode) answer.tree().deepCopy();
      tree.set("id", Json.parse(id.getBytes(StandardCharsets.UTF_8)));
      return Json.write(tree).getBytes(StandardCharsets.UTF_8);
    } catch (IOException | ClassCastException e) {
      throw new IllegalStateException("a recorded answer is not a JSON object", e);
    }
  }

  /** Never prints recorded content. */
  @Override
  public String toString() {
    return "RecordedServer";
  }
}
