package dev.aegis.cli.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.aegis.transport.http.TlsFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The HTTP control API (JDK HTTP server): routes, bearer-token check, JSON errors. Requests run on
 * a small pool of daemon threads, since handlers block on the store and the policy engine; a
 * handler's bug answers 500 without details. Start with {@link #start}, stop with {@link #close}.
 */
public final class ControlApi implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ControlApi.class.getName());

  /** A handler of one route. */
  interface Handler {
    void handle(ApiExchange x) throws IOException;
  }

  private record Route(String method, Pattern path, Handler handler, boolean open) {}

  private final List<Route> routes = new ArrayList<>();
  private final BearerTokens tokens;
  private final HttpServer server;
  private final ExecutorService pool;

  private ControlApi(InetSocketAddress address, BearerTokens tokens, TlsFiles tls, int threads)
      throws IOException {
    this.tokens = tokens;
    this.server = tls == null ? HttpServer.create(address, 64) : https(address, tls);
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "aegis-api");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(pool);
    server.createContext("/", this::dispatch);
  }

  /**
   * Binds {@code address} and serves the whole API from {@code ctx}, over TLS when {@code tls} is
   * not null (requiring a client certificate when it names a client CA). Throws {@link IOException}
   * when the address cannot be bound or the TLS files cannot be read.
   */
  public static ControlApi start(
      InetSocketAddress address, ApiContext ctx, BearerTokens tokens, TlsFiles tls)
      throws IOException {
    ControlApi api = new ControlApi(address, tokens, tls, 4);
    new HealthRoutes(ctx).install(api);
    OwnedSessions owned = new OwnedSessions(ctx);
    EventRoutes events = new EventRoutes(ctx, owned);
    events.install(api);
    new SessionRoutes(ctx, owned, events.ingest()).install(api);
    new DecideRoutes(ctx).install(api);
    new ApprovalRoutes(ctx).install(api);
    api.server.start();
    return api;
  }

  /** True when the API is served over TLS. */
  public boolean secure() {
    return server instanceof HttpsServer;
  }

  private static HttpsServer https(InetSocketAddress address, TlsFiles tls) throws IOException {
    SSLContext ssl = tls.serverContext();
    HttpsServer s = HttpsServer.create(address, 64);
    s.setHttpsConfigurator(
        new HttpsConfigurator(ssl) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = ssl.getDefaultSSLParameters();
            p.setNeedClientAuth(tls.mutual());
            params.setSSLParameters(p);
          }
        });
    return s;
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  void route(String method, String pathRegex, Handler handler) {
    routes.add(new Route(method, Pattern.compile(pathRegex), handler, false));
  }

  /** A route served without a token (liveness and readiness probes). */
  void openRoute(String method, String pathRegex, Handler handler) {
    routes.add(new Route(method, Pattern.compile(pathRegex), handler, true));
  }

  private void dispatch(HttpExchange http) {
    try (http) {
      String path = http.getRequestURI().getPath();
      boolean pathKnown = false;
      for (Route r : routes) {
        Matcher m = r.path().matcher(path);
        if (!m.matches()) {
          continue;
        }
        pathKnown = true;
        if (!r.method().equals(http.getRequestMethod())) {
          continue;
        }
        ApiExchange x = new ApiExchange(http, m);
        if (!r.open()
            && tokens.required()
            && !tokens.accepts(http.getRequestHeaders().getFirst("Authorization"))) {
          http.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"aegis\"");
          x.send(401, ApiExchange.error("UNAUTHORIZED", "a valid bearer token is required"));
          return;
        }
        run(r.handler(), x);
        return;
      }
      ApiExchange x = new ApiExchange(http, null);
      if (pathKnown) {
        x.send(405, ApiExchange.error("METHOD_NOT_ALLOWED", http.getRequestMethod() + " " + path));
      } else {
        x.send(404, ApiExchange.error("NOT_FOUND", "no such endpoint: " + path));
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "control API exchange failed: " + e);
    }
  }

  private static void run(Handler h, ApiExchange x) throws IOException {
    try {
      h.handle(x);
    } catch (ApiException e) {
      x.send(e.status(), ApiExchange.error(e.code(), e.getMessage()));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "control API handler failed: " + e, e);
      x.send(500, ApiExchange.error("INTERNAL", "internal error; see the server log"));
    }
  }

  /** Stops accepting, lets exchanges in progress finish for up to a second. */
  @Override
  public void close() {
    server.stop(1);
    pool.shutdownNow();
  }
}
