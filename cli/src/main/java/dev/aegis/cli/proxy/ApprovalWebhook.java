package dev.aegis.cli.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.ApprovalViews;
import dev.aegis.core.approval.ApprovalRecord;
import dev.aegis.core.approval.ApprovalStore;
import dev.aegis.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Tells an operator's webhook that a call waits for approval ({@code --approval-notify URL}): an
 * approval store whose {@link #create} also queues a JSON POST to the URL. Delivery runs on one
 * background thread, never on the session's: up to {@value #ATTEMPTS} attempts (5 s timeout each, 1
 * s then 2 s apart); a request that still fails, or finds {@value #QUEUE} others waiting, is
 * dropped with a warning (the operator can always list pending approvals). The sender is a daemon
 * thread: notices still queued when the proxy exits are not sent. The payload carries a {@code
 * text} line, so chat incoming webhooks (Slack, Mattermost) show it as is.
 *
 * <p>Thread-safe. The body includes the call's arguments: send it only to a receiver trusted with
 * them (it never includes credentials of the client).
 */
final class ApprovalWebhook implements ApprovalStore {
  private static final System.Logger LOG = System.getLogger(ApprovalWebhook.class.getName());
  static final int ATTEMPTS = 3;
  static final int QUEUE = 1000;

  private final ApprovalStore store;
  private final URI url;
  private final HttpClient http;
  private final ThreadPoolExecutor sender;

  ApprovalWebhook(ApprovalStore store, URI url) {
    this.store = store;
    this.url = url;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.sender =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "aegis-approval-notify");
              t.setDaemon(true);
              return t;
            },
            (r, pool) ->
                LOG.log(
                    System.Logger.Level.WARNING,
                    "approval notification dropped: " + QUEUE + " already waiting"));
  }

  /** The JSON sent for a new request: the operator's view of it, and a one-line text. */
  static ObjectNode payload(ApprovalRecord r) {
    ObjectNode o = Json.object();
    o.put("event", "approval_requested");
    o.put(
        "text",
        "Aegis: tool call '"
            + r.toolName()
            + "' in session "
            + r.tenantId()
            + "/"
            + r.sessionId()
            + " waits for approval until "
            + Instant.ofEpochMilli(r.expiresUnixMs())
            + ". Approve: aegisctl approve "
            + r.token()
            + "  Deny: aegisctl approve "
            + r.token()
            + " --deny");
    o.setAll(ApprovalViews.toJson(r, r.createdUnixMs()));
    return o;
  }

  @Override
  public void create(ApprovalRecord request) {
    store.create(request);
    byte[] body = Json.write(payload(request)).getBytes(StandardCharsets.UTF_8);
    sender.execute(() -> deliver(body, request.token()));
  }

  private void deliver(byte[] body, String token) {
    String why = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpResponse<Void> res =
            http.send(
                HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "aegis-proxy")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (res.statusCode() / 100 == 2) {
          return;
        }
        why = "HTTP " + res.statusCode();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.io.IOException e) {
        why = e.toString();
      }
      if (attempt < ATTEMPTS) {
        try {
          Thread.sleep(1000L * attempt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "approval notification for "
            + token.substring(0, Math.min(12, token.length()))
            + "… not delivered to "
            + url.getHost()
            + ": "
            + why);
  }

  @Override
  public Optional<ApprovalRecord> find(String token) {
    return store.find(token);
  }

  @Override
  public Decided decide(
      String token,
      boolean approve,
      JsonNode editedArgs,
      String decidedBy,
      String message,
      long nowUnixMs) {
    return store.decide(token, approve, editedArgs, decidedBy, message, nowUnixMs);
  }

  @Override
  public boolean consume(String token, long nowUnixMs) {
    return store.consume(token, nowUnixMs);
  }

  @Override
  public List<ApprovalRecord> list(
      String tenantId, boolean pendingOnly, long nowUnixMs, int limit) {
    return store.list(tenantId, pendingOnly, nowUnixMs, limit);
  }
}
