package dev.aegis.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process spoken to as an MCP stdio server: requests to its stdin, answers from its stdout,
 * its stderr to a log file. {@link #send} from one thread and {@link #receive} from one thread
 * (possibly another).
 */
final class StdioPeer implements AutoCloseable {
  private static final byte[] INITIALIZE =
      ascii(
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"aegis-bench\","
              + "\"version\":\"1.0.0\"}}}\n");
  private static final byte[] INITIALIZED =
      ascii("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
  private static final byte[] TOOLS_LIST =
      ascii("{\"jsonrpc\":\"2.0\",\"id\":\"list\",\"method\":\"tools/list\"}\n");

  private final String name;
  private final Process process;
  private final OutputStream stdin;
  private final LineReader stdout;
  private final Path log;

  private StdioPeer(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.stdout = new LineReader(process.getInputStream(), EchoServer.MAX_LINE_BYTES);
    this.log = log;
  }

  /** Starts the command; its stderr is appended to {@code log}. */
  static StdioPeer start(String name, List<String> command, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new StdioPeer(name, pb.start(), log);
  }

  /** Runs initialize, notifications/initialized and tools/list, checking the answers' shape. */
  void handshake() throws IOException {
    expect(call(INITIALIZE), "\"protocolVersion\":\"2025-06-18\"", "initialize");
    send(INITIALIZED);
    expect(call(TOOLS_LIST), "\"name\":\"echo\"", "tools/list");
  }

  /** Writes one frame (which ends in a newline) and flushes. */
  void send(byte[] frame) throws IOException {
    stdin.write(frame);
    stdin.flush();
  }

  /** Reads one answer line; end of stream is an error naming the log. */
  byte[] receive() throws IOException {
    byte[] line = stdout.readLine();
    if (line == null) {
      throw new EOFException(name + " closed its stdout" + exitNote() + "; see " + log);
    }
    return line;
  }

  private byte[] call(byte[] frame) throws IOException {
    send(frame);
    return receive();
  }

  private void expect(byte[] answer, String needle, String what) throws IOException {
    String s = new String(answer, StandardCharsets.UTF_8);
    if (!s.contains(needle)) {
      throw new IOException(name + ": unexpected " + what + " answer: " + s);
    }
  }

  private String exitNote() {
    try {
      if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
        return " (exit code " + process.exitValue() + ")";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "";
  }

  /** Kills the process at once; used by the watchdog and after failures. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Closes stdin and waits for an orderly exit (bounded), then TERM, then KILL. */
  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      // the process is gone already; fall through to reaping it
    }
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          kill();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  /** The exit code, or -1 while running. */
  int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
