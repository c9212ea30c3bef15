package dev.aegis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a stdio → Streamable HTTP bridge adds: sequential {@code tools/call echo} round trips to
 * {@code mcp-server-everything} (stdio), first directly over its pipes (the baseline), then through
 * each bridge exposing it over HTTP: {@code aegis-proxy --listen … -- server} (guard in audit mode,
 * every frame sealed into SQLite, durability normal), {@code supergateway --outputTransport
 * streamableHttp --stateful} and punkpeye {@code mcp-proxy --server stream}. Added latency is a
 * bridge's p50 minus the baseline's p50 in the same run; it includes the harness's HTTP client, the
 * same for every bridge. Every answer must be the server's echo. Reported, never asserted.
 *
 * <p>All bridges run at once, each with one session, and are measured in {@code --rounds}
 * interleaved rounds (default 10) of calls/rounds calls each, so that load from other processes on
 * the machine falls on every bridge alike. Usage: {@code BridgeBench [--calls N] [--warmup N]
 * [--rounds R] [--bridges stdio,aegis,supergateway,mcp-proxy]}; exit 0 when every bridge ran, 1
 * otherwise, 2 on bad flags. Single-threaded; every process it starts is stopped with its children.
 */
public final class BridgeBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MESSAGE = "hello through a bridge";

  private BridgeBench() {}

  /** Runs the bridges one after another and prints the table. */
  public static void main(String[] args) throws Exception {
    int calls = 2000;
    int warmup = 500;
    int rounds = 10;
    List<String> bridges = List.of("stdio", "aegis", "supergateway", "mcp-proxy");
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        usage();
      }
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--bridges" -> bridges = List.of(args[i + 1].split(","));
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        default -> usage();
      }
    }
    System.out.println("command: " + SystemInfo.commandLine(BridgeBench.class.getName(), args));
    SystemInfo.describe().forEach((k, v) -> System.out.println(k + ": " + v));
    System.out.printf(
        "calls %d per bridge in %d interleaved rounds (warmup %d discarded), one session each,"
            + " one call in flight%n%n",
        calls, rounds, warmup);
    Path root = Launchers.forThisJvm(null).proxy().getParent().getParent();
    Path bin = root.resolve("node_modules/.bin");
    String server = bin.resolve("mcp-server-everything").toString();
    Path work = Files.createTempDirectory("aegis-bridge-bench-");
    Map<String, Peer> peers = new LinkedHashMap<>();
    Map<String, LatencyStats> results = new LinkedHashMap<>();
    int exit = 0;
    try {
      for (String bridge : bridges) {
        try {
          Peer p =
              bridge.equals("stdio")
                  ? StdioTarget.start(List.of(server), work.resolve("stdio.log"))
                  : HttpTarget.start(bridge, command(bridge, bin, server, work), work);
          for (int i = 1; i <= warmup; i++) {
            p.call(i);
          }
          peers.put(bridge, p);
        } catch (Exception e) {
          System.out.println(bridge + ": FAILED: " + e);
          exit = 1;
        }
      }
      // interleaved rounds: load from other processes drifts, and every bridge sees the same drift
      int perRound = Math.max(1, calls / rounds);
      Map<String, long[]> nanos = new LinkedHashMap<>();
      for (String b : peers.keySet()) {
        nanos.put(b, new long[perRound * rounds]);
      }
      for (int r = 0; r < rounds; r++) {
        for (var e : peers.entrySet()) {
          long[] out = nanos.get(e.getKey());
          for (int i = 0; i < perRound; i++) {
            long id = warmup + 1L + (long) r * perRound + i;
            long t0 = System.nanoTime();
            e.getValue().call(id);
            out[r * perRound + i] = System.nanoTime() - t0;
          }
        }
      }
      nanos.forEach((b, n) -> results.put(b, LatencyStats.ofNanos(n)));
    } finally {
      for (Peer p : peers.values()) {
        p.close();
      }
    }
    LatencyStats base = results.get("stdio");
    System.out.printf("%-14s %10s %10s %12s%n", "bridge", "p50 µs", "p99 µs", "added p50 µs");
    results.forEach(
        (name, s) ->
            System.out.printf(
                "%-14s %10.1f %10.1f %12s%n",
                name,
                s.p50Us(),
                s.p99Us(),
                base == null ? "-" : String.format("%.1f", s.p50Us() - base.p50Us())));
    LatencyStats ours = results.get("aegis");
    if (base != null && ours != null) {
      double added = ours.p50Us() - base.p50Us();
      for (String peer : List.of("supergateway", "mcp-proxy")) {
        LatencyStats theirs = results.get(peer);
        if (theirs != null) {
          System.out.printf(
              "aegis / %s added p50: %.2f (target ≤ 0.3)%n",
              peer, added / (theirs.p50Us() - base.p50Us()));
        }
      }
    }
    System.out.println("logs: " + work);
    System.exit(exit);
  }

  private static void usage() {
    System.err.println(
        "usage: BridgeBench [--calls N] [--warmup N] [--rounds R]"
            + " [--bridges stdio,aegis,supergateway,mcp-proxy]");
    System.exit(2);
  }

  /** One way of reaching the server: a call returns once its answer was read and checked. */
  private interface Peer extends AutoCloseable {
    void call(long id) throws Exception;

    @Override
    void close() throws InterruptedException;
  }

  /** The baseline: the server's own pipes, newline-delimited JSON-RPC. */
  private static final class StdioTarget implements Peer {
    private final Process process;
    private final java.io.OutputStream in;
    private final LineReader out;

    private StdioTarget(Process process) {
      this.process = process;
      this.in = process.getOutputStream();
      this.out = new LineReader(process.getInputStream(), EchoServer.MAX_LINE_BYTES);
    }

    static StdioTarget start(List<String> command, Path log) throws IOException {
      Process p =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      StdioTarget t = new StdioTarget(p);
      t.send(
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\","
              + "\"version\":\"1\"}}}");
      answer(t.out, 0);
      t.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      return t;
    }

    private void send(String frame) throws IOException {
      in.write((frame + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    @Override
    public void call(long id) throws IOException {
      send(BridgeBench.call(id));
      check(id, answer(out, id));
    }

    @Override
    public void close() throws InterruptedException {
      stop(process);
    }
  }

  /** A bridge process and one MCP session through it over Streamable HTTP. */
  private static final class HttpTarget implements Peer {
    private final Process process;
    private final HttpMcpClient client;

    private HttpTarget(Process process, HttpMcpClient client) {
      this.process = process;
      this.client = client;
    }

    static HttpTarget start(String name, Command command, Path work) throws Exception {
      Process p =
          new ProcessBuilder(command.argv())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve(name + ".log").toFile())
              .start();
      try {
        Ports.await(command.port(), p);
        return new HttpTarget(p, HttpMcpClient.open("http://127.0.0.1:" + command.port() + "/mcp"));
      } catch (Exception e) {
        stop(p);
        throw e;
      }
    }

    @Override
    public void call(long id) throws Exception {
      check(id, client.request(BridgeBench.call(id)));
    }

    @Override
    public void close() throws InterruptedException {
      stop(process);
    }
  }

  private record Command(List<String> argv, int port) {}

  private static Command command(String bridge, Path bin, String server, Path work)
      throws IOException {
    int port = Ports.free();
    List<String> argv =
        switch (bridge) {
          case "aegis" ->
              Launchers.forThisJvm(null)
                  .listening(work.resolve("chain.db"), port, List.of("--", server));
          case "supergateway" ->
              List.of(
                  bin.resolve("supergateway").toString(),
                  "--stdio",
                  server,
                  "--outputTransport",
                  "streamableHttp",
                  "--stateful",
                  "--port",
                  String.valueOf(port),
                  "--logLevel",
                  "none");
          case "mcp-proxy" ->
              List.of(
                  bin.resolve("mcp-proxy").toString(),
                  "--host",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(port),
                  "--server",
                  "stream",
                  "--",
                  server);
          default -> throw new IllegalArgumentException("unknown bridge " + bridge);
        };
    return new Command(argv, port);
  }

  /** Reads lines until the answer to {@code id} (the server's notifications are skipped). */
  private static String answer(LineReader out, long id) throws IOException {
    while (true) {
      byte[] line = out.readLine();
      if (line == null) {
        throw new IOException("the server closed its stdout");
      }
      JsonNode n = JSON.readTree(line);
      if (n.path("id").asLong(-1) == id && (n.has("result") || n.has("error"))) {
        return new String(line, StandardCharsets.UTF_8);
      }
    }
  }

  private static String call(long id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\""
        + MESSAGE
        + "\"}}}";
  }

  private static void check(long id, String answer) throws IOException {
    JsonNode n = JSON.readTree(answer);
    String text = n.at("/result/content/0/text").asText("");
    if (n.path("id").asLong(-1) != id || !text.equals("Echo: " + MESSAGE)) {
      throw new IOException("unexpected answer to call " + id + ": " + answer);
    }
  }

  /** TERM to the process and its children, KILL after 10 s. */
  private static void stop(Process p) throws InterruptedException {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    p.destroy();
    all.forEach(ProcessHandle::destroy);
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    all.forEach(ProcessHandle::destroyForcibly);
  }
}
