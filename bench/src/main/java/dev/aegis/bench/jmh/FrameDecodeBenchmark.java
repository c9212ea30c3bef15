package dev.aegis.bench.jmh;

import dev.aegis.core.frame.Frame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of classifying one received line ({@link Frame#of}) for three typical frame sizes. */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class FrameDecodeBenchmark {
  byte[] toolsCallRequest;
  byte[] result4KiB;
  byte[] result64KiB;

  /** Builds the frames once; the benchmark methods only read them. */
  @Setup
  public void setUp() {
    toolsCallRequest =
        utf8(
            "{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"read_file\",\"arguments\":{\"path\":\"/srv/data/report.txt\"},"
                + "\"_meta\":{\"progressToken\":17}}}");
    result4KiB = result(4 * 1024);
    result64KiB = result(64 * 1024);
  }

  /** A small {@code tools/call} request (about 150 bytes). */
  @Benchmark
  public Frame toolsCallRequest() {
    return Frame.of(toolsCallRequest);
  }

  /** A {@code tools/call} result carrying 4 KiB of text. */
  @Benchmark
  public Frame result4KiB() {
    return Frame.of(result4KiB);
  }

  /** A {@code tools/call} result carrying 64 KiB of text. */
  @Benchmark
  public Frame result64KiB() {
    return Frame.of(result64KiB);
  }

  /**
   * A result whose text, with escaped newlines and quotes as real tool output has, is {@code n}
   * bytes.
   */
  static byte[] result(int n) {
    return utf8(
        "{\"jsonrpc\":\"2.0\",\"id\":17,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""
            + text(n)
            + "\"}],\"isError\":false}}");
  }

  static String text(int n) {
    String line =
        "line of tool output with \\\"quoted\\\" words, numbers 12345 and a tab\\t end\\n";
    StringBuilder b = new StringBuilder(n + line.length());
    while (b.length() < n) {
      b.append(line);
    }
    b.setLength(n);
    // never cut an escape in half
    while (b.charAt(b.length() - 1) == '\\') {
      b.setLength(b.length() - 1);
    }
    return b.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
