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

/**
 * The stdio MCP server of one bridged session: frames travelling to the server are written to its
 * stdin; its stdout is read on a thread of its own, each line handed to the core in order and the
 * core's result routed through the session (answers to the exchange waiting for their id, the rest
 * to the session's GET stream). {@link #write} is thread-safe.
 */
final class ChildLink {
  private static final System.Logger LOG = System.getLogger(ChildLink.class.getName());

  private final ChildProcess child;
  private final OutputStream stdin;
  private final McpSession session;
  private final int maxFrameBytes;
  private boolean broken;

  private ChildLink(ChildProcess child, McpSession session, int maxFrameBytes) {
    this.child = child;
    this.stdin = child.stdin();
    this.session = session;
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Starts the command for {@code session} and its reader; {@code onExit} runs when the server
   * closes its output. Throws {@link UncheckedIOException} when the command cannot start.
   */
  static ChildLink start(
      List<String> command, McpSession session, int maxFrameBytes, Runnable onExit) {
    ChildProcess child;
    try {
      child = ChildProcess.start(command);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start MCP server " + command.get(0), e);
    }
    ChildLink link = new ChildLink(child, session, maxFrameBytes);
    Thread reader = new Thread(() -> link.read(onExit), "aegis-bridge-reader");
    reader.setDaemon(true);
    reader.start();
    return link;
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

  private void read(Runnable onExit) {
    LineFrameDecoder decoder =
        new LineFrameDecoder(
            maxFrameBytes,
            new LineFrameDecoder.Listener() {
              @Override
              public void onLine(byte[] line) {
                Frame f = Frame.of(line);
                act(f, session.onFrame(Direction.SERVER_TO_CLIENT, f).join());
              }

              @Override
              public void onOversized(byte[] prefix, int prefixLength, long length, String sha) {
                Frame head = Frame.ofPrefix(prefix, prefixLength);
                act(
                    null,
                    session
                        .core()
                        .onOversized(Direction.SERVER_TO_CLIENT, head, length, sha, maxFrameBytes)
                        .join());
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

  private void act(Frame frame, Action a) {
    switch (a.type()) {
      case FORWARD -> session.deliver(frame.bytes());
      case REPLY -> {
        if (a.replyDirection() == Direction.SERVER_TO_CLIENT) {
          session.deliver(a.reply());
        } else {
          write(a.reply());
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
