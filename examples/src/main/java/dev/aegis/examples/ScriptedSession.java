package dev.aegis.examples;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a fixed MCP conversation with the MCP Java SDK client against a server started over stdio,
 * and returns its {@link Transcript}; only the command line differs between a direct run and a run
 * through the proxy, so their transcripts must be equal.
 */
public final class ScriptedSession {

  /** How long any one step may take. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The conversations this class knows. */
  public enum Script {
    /** The conversation with {@link ExampleServer}. */
    EXAMPLE,
    /** The conversation with {@code @modelcontextprotocol/server-everything} in stdio mode. */
    EVERYTHING
  }

  private ScriptedSession() {}

  /** Starts {@code command}, runs the script, stops the server and returns the transcript. */
  public static Transcript run(Script script, List<String> command, Map<String, String> env) {
    return run(script, command, env, DEFAULT_TIMEOUT);
  }

  /**
   * Starts {@code command} with {@code env} added to this process's environment, runs the script
   * with {@code timeout} per step, stops the server and returns the transcript; blocks the caller.
   */
  public static Transcript run(
      Script script, List<String> command, Map<String, String> env, Duration timeout) {
    requireNonNull(script, "script");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command: [] (expected: a program and its arguments)");
    }
    try (ScriptedClient client = new ScriptedClient(command, env, timeout)) {
      return new Transcript(
          script == Script.EXAMPLE ? ExampleScript.run(client) : EverythingScript.run(client));
    }
  }

  /**
   * Runs {@code <example|everything> [--out FILE] -- CMD ARGS...}: a summary goes to stderr, the
   * transcript JSON to FILE (or stdout); exits 0 on success, 1 on failure and 2 on bad usage.
   */
  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    int separator = List.of(args).indexOf("--");
    if (args.length < 3 || separator < 1 || separator == args.length - 1) {
      System.err.println("usage: ScriptedSession <example|everything> [--out FILE] -- CMD ARGS...");
      System.exit(2);
    }
    Script script;
    try {
      script = Script.valueOf(args[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("unknown script " + args[0] + " (expected: example or everything)");
      System.exit(2);
      return;
    }
    Path out = separator == 3 && args[1].equals("--out") ? Path.of(args[2]) : null;
    if (out == null && separator != 1) {
      System.err.println("unexpected options before --: only --out FILE is known");
      System.exit(2);
    }
    List<String> command = List.of(args).subList(separator + 1, args.length);
    System.exit(runAndReport(script, command, out));
  }

  private static int runAndReport(Script script, List<String> command, Path out) {
    try {
      Transcript transcript = run(script, command, Map.of());
      transcript
          .steps()
          .forEach(s -> System.err.printf("%-40s %6d bytes%n", s.name(), s.result().length()));
      if (out == null) {
        System.out.print(transcript.toJson());
      } else {
        Files.writeString(out, transcript.toJson(), StandardCharsets.UTF_8);
      }
      System.err.println(
          "ok: "
              + transcript.steps().size()
              + " steps"
              + (out == null ? "" : " written to " + out));
      return 0;
    } catch (IOException | RuntimeException e) {
      StringBuilder message = new StringBuilder("scripted session failed: " + e);
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        message.append("\n  caused by: ").append(cause);
      }
      System.err.println(message);
      return 1;
    }
  }
}
