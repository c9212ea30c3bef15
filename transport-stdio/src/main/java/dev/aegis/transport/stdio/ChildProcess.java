package dev.aegis.transport.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The wrapped MCP server: a child process whose stderr is our stderr. Stops in order: close its
 * stdin, wait, SIGTERM (it and its descendants), wait, SIGKILL. Thread-safe.
 */
public final class ChildProcess implements ServerLink {
  private static final System.Logger LOG = System.getLogger(ChildProcess.class.getName());
  private static final Duration TERM_GRACE = Duration.ofSeconds(3);

  private final Process process;

  private ChildProcess(Process process) {
    this.process = process;
  }

  /** Starts the command; throws {@link IOException} when it cannot be started. */
  public static ChildProcess start(List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    return new ChildProcess(pb.start());
  }

  /** The child's stdout (its frames). */
  @Override
  public InputStream stdout() {
    return process.getInputStream();
  }

  /** The child's stdin. */
  @Override
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /**
   * Waits up to {@code grace} for the child to exit after its stdin was closed, then terminates and
   * finally kills it. Returns the exit code (128 + signal when killed by a signal).
   */
  @Override
  public int stop(Duration grace) throws InterruptedException {
    if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    LOG.log(
        System.Logger.Level.WARNING, "MCP server did not exit after stdin closed; sending TERM");
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    LOG.log(System.Logger.Level.WARNING, "MCP server ignored TERM; sending KILL");
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    return process.waitFor();
  }

  /** Waits for the exit code. */
  int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  @Override
  public String toString() {
    return "child pid " + process.pid();
  }

  /** Kills the child and its descendants at once (JVM shutdown path). */
  @Override
  public void kill() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
