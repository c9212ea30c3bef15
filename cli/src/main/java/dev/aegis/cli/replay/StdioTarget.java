package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.transport.stdio.ChildProcess;
import dev.aegis.transport.stdio.LineFrameDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stdio MCP server started as a child process (its stderr goes to ours), spoken to with
 * newline-delimited JSON-RPC framed by the proxy's own {@link LineFrameDecoder}. A daemon thread
 * reads its stdout: answers are kept by id for the waiting caller, its requests answered at once,
 * notifications and lines that are not JSON skipped. Requests are issued by one caller at a time;
 * writes are synchronized.
 */
final class StdioTarget implements LiveTarget {
  private static final System.Logger LOG = System.getLogger(StdioTarget.class.getName());
  private static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private final ChildProcess child;
  private final OutputStream stdin;
  private final String name;
  private final Map<String, JsonNode> answers = new HashMap<>();
  private boolean ended;

  private StdioTarget(ChildProcess child, String name) {
    this.child = child;
    this.stdin = child.stdin();
    this.name = name;
  }

  /**
   * Starts {@code command} and its reader; lines above {@code maxFrameBytes} are skipped. Throws
   * {@link ReplayException} when the command cannot be started.
   */
  static StdioTarget start(List<String> command, int maxFrameBytes) {
    ChildProcess child;
    try {
      child = ChildProcess.start(command);
    } catch (IOException e) {
      throw new ReplayException("cannot start " + command.get(0) + ": " + e.getMessage());
    }
    StdioTarget t = new StdioTarget(child, command.get(0));
    Thread reader = new Thread(() -> t.read(maxFrameBytes), "aegisctl-live-stdout");
    reader.setDaemon(true);
    reader.start();
    return t;
  }

  @Override
  public JsonNode request(ObjectNode request, Duration timeout) throws InterruptedException {
    String id = request.get("id").toString();
    write(request);
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (!answers.containsKey(id)) {
        if (ended) {
          throw new ReplayException(
              name + " closed its output before answering " + method(request));
        }
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          throw new ReplayException(
              name
                  + " did not answer "
                  + method(request)
                  + " within "
                  + timeout.toMillis()
                  + " ms");
        }
        wait(left);
      }
      return answers.remove(id);
    }
  }

  @Override
  public void notify(ObjectNode notification) {
    write(notification);
  }

  private static String method(ObjectNode request) {
    return request.path("method").asText();
  }

  private void write(JsonNode frame) {
    byte[] bytes = Json.write(frame).getBytes(StandardCharsets.UTF_8);
    synchronized (stdin) {
      try {
        stdin.write(bytes);
        stdin.write('\n');
        stdin.flush();
      } catch (IOException e) {
        throw new ReplayException(name + " closed its input: " + e.getMessage());
      }
    }
  }

  private void read(int maxFrameBytes) {
    LineFrameDecoder decoder =
        new LineFrameDecoder(
            maxFrameBytes,
            new LineFrameDecoder.Listener() {
              @Override
              public void onLine(byte[] line) {
                received(line);
              }

              @Override
              public void onOversized(byte[] prefix, int prefixLength, long length, String sha) {
                LOG.log(System.Logger.Level.WARNING, "skipped a line of " + length + " bytes");
              }
            });
    byte[] buf = new byte[64 * 1024];
    try (InputStream out = child.stdout()) {
      int n;
      while ((n = out.read(buf)) >= 0) {
        decoder.feed(buf, 0, n);
      }
      decoder.end();
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "MCP server output closed: " + e);
    }
    synchronized (this) {
      ended = true;
      notifyAll();
    }
  }

  private void received(byte[] line) {
    JsonNode n;
    try {
      n = Json.parse(line);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "skipped a line that is not JSON");
      return;
    }
    if (LiveTarget.isRequest(n)) {
      try {
        write(LiveTarget.answerServerRequest(n));
      } catch (ReplayException e) {
        LOG.log(System.Logger.Level.DEBUG, e.getMessage());
      }
    } else if (LiveTarget.isResponse(n)) {
      synchronized (this) {
        answers.put(n.get("id").toString(), n);
        notifyAll();
      }
    }
  }

  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      child.stop(STOP_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.kill();
    }
  }

  /** Never prints frames. */
  @Override
  public String toString() {
    return "StdioTarget[" + name + "]";
  }
}
