package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@code aegis-proxy} process on stdio, as an MCP client sees it: frames are written to its
 * stdin as lines, its stdout lines are read by a daemon thread into a queue, its stderr goes to a
 * log file (quoted, its tail, when an answer does not come). Used by one thread at a time; {@link
 * #close()} ends the proxy (stdin closed, then TERM, then KILL) and its server.
 */
final class ProxySession implements AutoCloseable {
  private static final String EOF = "\u0000eof";
  private static final Duration EXIT_WAIT = Duration.ofSeconds(15);

  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Path log;

  private ProxySession(Process process, Path log) {
    this.process = process;
    this.stdin = process.getOutputStream();
    this.log = log;
    Thread reader = new Thread(() -> pump(process.getInputStream()), "conformance-proxy-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code command} with stderr to {@code log}; a command that cannot start throws. */
  static ProxySession start(List<String> command, Path log) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    return new ProxySession(p, log);
  }

  private void pump(InputStream out) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The proxy went away; the EOF below tells the waiting thread.
    } finally {
      lines.add(EOF);
    }
  }

  /** Writes one frame as a line. */
  void send(JsonNode frame) throws IOException {
    stdin.write((Json.write(frame) + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /**
   * The answer with this id, skipping notifications and server requests; throws {@link IOException}
   * (with the tail of the proxy's log) when none comes within {@code timeout} or the proxy closes
   * its stdout first.
   */
  JsonNode answer(JsonNode id, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IOException("no answer to id " + id + " within " + timeout + logTail());
      }
      if (line.equals(EOF)) {
        lines.add(EOF);
        throw new IOException("the proxy closed its output before answering id " + id + logTail());
      }
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = Json.parse(line.getBytes(StandardCharsets.UTF_8));
      if (n != null && !n.has("method") && id.equals(n.get("id"))) {
        return n;
      }
    }
  }

  private String logTail() {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8).strip();
      return text.isEmpty()
          ? ""
          : "; proxy log: " + text.substring(Math.max(0, text.length() - 1500));
    } catch (IOException e) {
      return "";
    }
  }

  /** Closes the proxy's stdin and waits for it to end; TERM, then KILL, when it does not. */
  @Override
  public void close() throws InterruptedException {
    try {
      stdin.close();
    } catch (IOException e) {
      // Already gone.
    }
    if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }
}
