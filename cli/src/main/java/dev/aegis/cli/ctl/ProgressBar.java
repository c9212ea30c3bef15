package dev.aegis.cli.ctl;

import java.io.PrintWriter;

/**
 * A one-line progress bar redrawn in place with carriage returns, for terminals only; redraws only
 * when the percentage changes, and erases itself when closed. Not thread-safe.
 */
final class ProgressBar implements AutoCloseable {
  /** A bar that draws nothing. */
  static final ProgressBar NONE = new ProgressBar(null, "", 1);

  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private final long total;
  private long done;
  private int drawnPercent = -1;
  private int drawnLength;

  /** A bar counting up to {@code total} steps, drawn on {@code err} (null draws nothing). */
  ProgressBar(PrintWriter err, String label, long total) {
    this.err = err;
    this.label = label;
    this.total = Math.max(1, total);
  }

  /** Counts one step, redrawing if the percentage changed. */
  void step() {
    done++;
    if (err == null) {
      return;
    }
    int percent = (int) Math.min(100, done * 100 / total);
    if (percent != drawnPercent) {
      drawnPercent = percent;
      draw(percent);
    }
  }

  private void draw(int percent) {
    int filled = percent * WIDTH / 100;
    String line =
        "verifying "
            + label
            + " ["
            + "#".repeat(filled)
            + ".".repeat(WIDTH - filled)
            + "] "
            + percent
            + "% "
            + done
            + "/"
            + total;
    err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
    err.flush();
    drawnLength = line.length();
  }

  /** Erases the bar. */
  @Override
  public void close() {
    if (err != null && drawnLength > 0) {
      err.print("\r" + " ".repeat(drawnLength) + "\r");
      err.flush();
    }
  }
}
