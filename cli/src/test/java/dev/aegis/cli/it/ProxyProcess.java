package dev.aegis.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bin/aegis-proxy} (or another launcher) as a real child process, with captured output. */
final class ProxyProcess implements AutoCloseable {
  static final Path ROOT =
      Path.of(System.getProperty("aegis.root", "..")).toAbsolutePath().normalize();

  final Process process;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final Thread outPump;
  private final Thread errPump;

  private ProxyProcess(Process process) {
    this.process = process;
    this.outPump = pump(process.getInputStream(), stdout);
    this.errPump = pump(process.getErrorStream(), stderr);
  }

  static Path bin(String name) {
    return ROOT.resolve("bin").resolve(name);
  }

  /** Starts {@code bin/<launcher> args...}. */
  static ProxyProcess start(String launcher, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(bin(launcher).toString());
    cmd.addAll(args);
    return new ProxyProcess(new ProcessBuilder(cmd).start());
  }

  /** Starts {@code bin/<launcher> args...} with extra environment variables. */
  static ProxyProcess start(String launcher, List<String> args, java.util.Map<String, String> env)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(bin(launcher).toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    return new ProxyProcess(pb.start());
  }

  /** The command line that runs a test-support or test class as a child JVM. */
  static List<String> javaMain(Class<?> main, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  synchronized (sink) {
                    sink.write(buf, 0, n);
                  }
                }
              } catch (IOException e) {
                // process gone
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  OutputStream stdin() {
    return process.getOutputStream();
  }

  void send(String line) throws IOException {
    stdin().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin().flush();
  }

  void closeStdin() throws IOException {
    stdin().close();
  }

  /** Waits for exit (bounded) and for the output pumps to drain; returns the exit code. */
  int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "process did not exit within " + seconds + "s; stderr:\n" + stderr());
    }
    outPump.join(5000);
    errPump.join(5000);
    return process.exitValue();
  }

  byte[] stdoutBytes() {
    synchronized (stdout) {
      return stdout.toByteArray();
    }
  }

  String stdout() {
    return new String(stdoutBytes(), StandardCharsets.UTF_8);
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  /** Polls stdout until it holds {@code lines} newline-terminated lines (bounded wait). */
  List<String> awaitLines(int lines, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String s = stdout();
      long n = s.chars().filter(c -> c == '\n').count();
      if (n >= lines) {
        return List.of(s.split("\n"));
      }
      Thread.sleep(10);
    }
    throw new AssertionError(
        "expected " + lines + " lines, got:\n" + stdout() + "\nstderr:\n" + stderr());
  }

  /**
   * Sends one line and returns the next line of output, parsed: for callers that send one request
   * at a time and wait for its answer (at most a minute).
   */
  JsonNode ask(String line) throws Exception {
    int before = stdout().isEmpty() ? 0 : stdout().split("\n").length;
    send(line);
    List<String> all = awaitLines(before + 1, 60);
    return Json.parse(all.get(before).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
