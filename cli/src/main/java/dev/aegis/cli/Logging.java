package dev.aegis.cli;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes all logging (System.Logger and java.util.logging) to stderr as one line per record; stdout
 * is reserved for MCP frames in stdio mode.
 */
public final class Logging {
  private Logging() {}

  /** Installs the stderr handler at the level named (error, warn, info, debug), default info. */
  public static void configure(String level) {
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler handler = new ConsoleHandler(); // writes to System.err
    handler.setFormatter(new OneLine());
    Level l = parse(level);
    handler.setLevel(l);
    root.addHandler(handler);
    root.setLevel(l);
  }

  static Level parse(String level) {
    String s = level == null ? "info" : level.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "error":
        return Level.SEVERE;
      case "warn":
      case "warning":
        return Level.WARNING;
      case "info":
        return Level.INFO;
      case "debug":
        return Level.FINE;
      case "trace":
        return Level.FINEST;
      default:
        throw new IllegalArgumentException(
            "log-level: " + level + " (expected: error, warn, info, debug or trace)");
    }
  }

  private static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord r) {
      String lvl =
          r.getLevel() == Level.SEVERE
              ? "ERROR"
              : r.getLevel() == Level.WARNING
                  ? "WARN"
                  : r.getLevel().intValue() >= Level.INFO.intValue() ? "INFO" : "DEBUG";
      String msg = "aegis " + lvl + " " + formatMessage(r) + System.lineSeparator();
      if (r.getThrown() != null && r.getLevel().intValue() <= Level.FINE.intValue()) {
        msg += r.getThrown() + System.lineSeparator();
      }
      return msg;
    }
  }
}
