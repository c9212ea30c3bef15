package dev.aegis.transport.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The MCP server side of a stdio session, as newline-delimited frames: a child process ({@link
 * ChildProcess}) or another transport seen through the same two streams (an HTTP upstream). The
 * stdio proxy writes frames for the server to {@link #stdin} and reads the server's frames from
 * {@link #stdout}; implementations say their own threading.
 */
public interface ServerLink {
  /** The server's frames, one per line; ends when the server is gone or {@link #stop} ran. */
  InputStream stdout();

  /** Where frames for the server are written, each followed by a newline; closing it ends input. */
  OutputStream stdin();

  /**
   * Waits up to {@code grace} for the server to finish after its input was closed, then ends it;
   * returns its exit code (a child's own, or a code the link defines).
   */
  int stop(Duration grace) throws InterruptedException;

  /** Ends the server at once (JVM shutdown path). */
  void kill();

  /** Opens the server side of one session. */
  @FunctionalInterface
  interface Opener {
    /**
     * Starts the server; {@code toClient} writes a frame the link itself made (an error answer it
     * got from the core, already sealed) to the client. Throws {@link IOException} when the server
     * cannot be started or reached: nothing was relayed then.
     */
    ServerLink open(Consumer<byte[]> toClient) throws IOException;
  }
}
