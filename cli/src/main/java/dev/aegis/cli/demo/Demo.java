package dev.aegis.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.examples.ScriptedSession;
import dev.aegis.examples.Transcript;
import dev.aegis.store.ChainStores;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * README command 1: wraps the example MCP server (MCP Java SDK) in aegis-proxy, drives it with the
 * MCP Java SDK client, then verifies the sealed chain and prints a short summary.
 */
public final class Demo {
  private Demo() {}

  /** Runs the demo; {@code --store URL} picks the store (default: a file under the temp dir). */
  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Path home = Path.of(System.getProperty("aegis.home", ".")).toAbsolutePath().normalize();
    String store =
        args.length == 2 && args[0].equals("--store")
            ? args[1]
            : "sqlite:" + Path.of(System.getProperty("java.io.tmpdir"), "aegis-demo", "chain.db");
    String session =
        "demo-"
            + ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
    List<String> command =
        List.of(
            home.resolve("bin/aegis-proxy").toString(),
            "--store",
            store,
            "--session",
            session,
            "--log-level",
            "warn",
            "--manifest",
            home.resolve("examples/manifests/demo.json").toString(),
            "--",
            home.resolve("bin/aegis-example-server").toString());
    System.out.println("Aegis demo: the MCP Java SDK client talks to an example MCP server");
    System.out.println(
        "through aegis-proxy, which seals every frame into a hash chain and decides");
    System.out.println(
        "every tool call against examples/manifests/demo.json (delete_note needs an");
    System.out.println(
        "approval: the proxy asks the user through elicitation, the scripted client does");
    System.out.println("not approve, so it is refused).\n");
    Transcript t = ScriptedSession.run(ScriptedSession.Script.EXAMPLE, command, Map.of());
    for (Transcript.Step s : t.steps()) {
      String r = s.result().replaceAll("\\s+", " ");
      System.out.printf("  %-22s %s%n", s.name(), r.length() > 70 ? r.substring(0, 67) + "..." : r);
    }
    System.exit(summarize(store, session) ? 0 : 1);
  }

  private static boolean summarize(String store, String session) {
    try (ChainStore chain = ChainStores.open(store, Durability.NORMAL)) {
      awaitTermination(chain, session);
      ChainVerifier verifier = new ChainVerifier("default", session);
      AtomicLong toServer = new AtomicLong();
      AtomicLong toClient = new AtomicLong();
      AtomicLong allowed = new AtomicLong();
      List<String> denied = new ArrayList<>();
      chain.read(
          "default",
          session,
          r -> {
            verifier.accept(r);
            if (r.eventType().equals("TOOL_CALL_ALLOWED")) {
              allowed.incrementAndGet();
            }
            if (r.eventType().equals("TOOL_CALL_DENIED")) {
              JsonNode p = EnvelopeHasher.parse(r.sealed()).payload();
              denied.add(p.path("tool_name").asText() + " " + p.path("reason").asText());
            }
            if (r.eventType().equals("MCP_FRAME")) {
              JsonNode p = EnvelopeHasher.parse(r.sealed()).payload();
              (p.get("direction").asText().equals("client_to_server") ? toServer : toClient)
                  .incrementAndGet();
            }
          });
      VerifyResult v = verifier.result();
      System.out.println();
      System.out.printf(
          "  frames sealed   %d client->server, %d server->client%n",
          toServer.get(), toClient.get());
      System.out.printf(
          "  tool calls      %d allowed, %d refused %s%n",
          allowed.get(), denied.size(), denied.isEmpty() ? "" : denied);
      System.out.printf(
          "  chain           %s: %d events, head %s%n",
          v.valid() ? "VALID" : "INVALID at seq " + v.firstBadSeq() + " (" + v.reason() + ")",
          v.events(),
          v.headHash());
      System.out.printf("  store           %s (session %s)%n", chain.describe(), session);
      System.out.printf(
          "%nVerify it yourself:  bin/aegisctl verify --store %s --session %s%n", store, session);
      System.out.printf(
          "Export it:           bin/aegisctl export --store %s --session %s%n", store, session);
      return v.valid();
    }
  }

  /** The client stops the proxy with SIGTERM; wait (bounded) until it sealed its termination. */
  private static void awaitTermination(ChainStore chain, String session) {
    for (int i = 0; i < 100; i++) {
      boolean done =
          chain.sessions("default").stream()
              .anyMatch(s -> s.sessionId().equals(session) && s.status().equals("terminated"));
      if (done) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
