package dev.aegis.transport.http;

import dev.aegis.core.frame.Frame;
import dev.aegis.core.pipeline.Action;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.transport.stdio.ChildProcess;
import dev.aegis.transport.stdio.LineFrameDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A bridged stdio MCP server: frames travelling to the server are written to its stdin; its stdout
 * is read on a thread of its own and each line handed, in order, to the {@link Lines} it was
 * started with: the one session it serves ({@link #forSession}), or the {@link SharedChild} that
 * demultiplexes it between sessions. {@link #write} is thread-safe.
 */
final class ChildLink {
  private static final System.Logger LOG = System.getLogger(ChildLink.class.getName());

  /** Where the server's output goes, line by line, on the reader thread. */
  interface Lines {
    /** One whole line (a frame). */
    void line(byte[] line);

    /** A line over the frame limit: its first bytes, its length and digest. */
    void oversized(byte[] prefix, int prefixLength, long length, String sha256);
  }

  private final ChildProcess child;
  private final OutputStream stdin;
  private final int maxFrameBytes;
  private boolean broken;

  private ChildLink(ChildProcess child, int maxFrameBytes) {
    this.child = child;
    this.stdin = child.stdin();
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Starts the command for {@code session} alone and its reader, each line going through the
   * session's core and routed ({@link #route}); {@code onExit} runs when the server closes its
   * output. Throws {@link UncheckedIOException} when the command cannot start.
   */
  static ChildLink forSession(
      List<String> command, McpSession session, int maxFrameBytes, Runnable onExit) {
    ChildLink link = launch(command, maxFrameBytes);
    link.startReading(
        new Lines() {
          @Override
          public void line(byte[] line) {
            Frame f = Frame.of(line);
            route(session, f, session.onFrame(Direction.SERVER_TO_CLIENT, f).join(), link::write);
          }

          @Override
          public void oversized(byte[] prefix, int prefixLength, long length, String sha) {
            Frame head = Frame.ofPrefix(prefix, prefixLength);
            route(
                session,
                null,
                session
                    .core()
                    .onOversized(Direction.SERVER_TO_CLIENT, head, length, sha, maxFrameBytes)
                    .join(),
                link::write);
          }
        },
        onExit);
    return link;
  }

  /**
   * Starts the command, not reading its output yet ({@link #startReading}). Throws {@link
   * UncheckedIOException} when the command cannot start.
   */
  static ChildLink launch(List<String> command, int maxFrameBytes) {
    try {
      return new ChildLink(ChildProcess.start(command), maxFrameBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start MCP server " + command.get(0), e);
    }
  }

  /**
   * Starts the reader thread handing each line to {@code lines}; {@code onExit} runs when the
   * server closes its output. Call once.
   */
  void startReading(Lines lines, Runnable onExit) {
    Thread reader = new Thread(() -> read(lines, onExit), "aegis-bridge-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Writes one frame and its newline to the server's stdin. */
  synchronized void write(byte[] frame) {
    if (broken) {
      return;
    }
    try {
      stdin.write(frame);
      stdin.write('\n');
      stdin.flush();
    } catch (IOException e) {
      broken = true;
      LOG.log(System.Logger.Level.WARNING, "MCP server stdin closed: " + e.getMessage());
    }
  }

  /** Closes the server's stdin and stops it (TERM, then KILL); returns its exit code. */
  int stop(Duration grace) {
    synchronized (this) {
      broken = true;
      try {
        stdin.close();
      } catch (IOException e) {
        // already gone
      }
    }
    try {
      return child.stop(grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.kill();
      return -1;
    }
  }

  private void read(Lines lines, Runnable onExit) {
    LineFrameDecoder decoder =
        new LineFrameDecoder(
            maxFrameBytes,
            new LineFrameDecoder.Listener() {
              @Override
              public void onLine(byte[] line) {
                lines.line(line);
              }

              @Override
              public void onOversized(byte[] prefix, int prefixLength, long length, String sha) {
                lines.oversized(prefix, prefixLength, length, sha);
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
    onExit.run();
  }

  /**
   * Carries out the core's action on a frame from the server: forwarded or replied frames for the
   * client go to {@code session}, replies for the server to {@code toServer}.
   */
  static void route(McpSession session, Frame frame, Action a, Consumer<byte[]> toServer) {
    switch (a.type()) {
      case FORWARD -> session.deliver(frame.bytes());
      case REPLY -> {
        if (a.replyDirection() == Direction.SERVER_TO_CLIENT) {
          session.deliver(a.reply());
        } else {
          toServer.accept(a.reply());
        }
      }
      case DROP ->
          LOG.log(
              System.Logger.Level.WARNING,
              a.note()
                  + (frame == null
                      ? ""
                      : ": "
                          + new String(
                              frame.bytes(),
                              0,
                              Math.min(200, frame.length()),
                              StandardCharsets.UTF_8)));
      default -> {} // CONSUMED: the answer to the proxy's own request
    }
  }
}
