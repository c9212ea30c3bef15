package dev.aegis.cli.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain-text web server on 127.0.0.1 that is also a forward HTTP proxy: it answers every request
 * itself, origin-form ({@code GET /x}) or absolute-form ({@code GET http://api.docs.test/x}), with
 * a page naming the host and path it was asked for, and records each request. A fetch server
 * pointed at it as its proxy reaches named test hosts without DNS and without leaving loopback.
 * Thread-safe; requests are served on the JDK server's thread.
 */
final class LoopbackPages implements AutoCloseable {
  /** One request as the server saw it: the Host header and the path. */
  record Request(String host, String path) {}

  private final HttpServer server;
  private final List<Request> seen = new CopyOnWriteArrayList<>();

  private LoopbackPages(HttpServer server) {
    this.server = server;
  }

  /** Starts the server on an ephemeral port of 127.0.0.1. */
  static LoopbackPages start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    LoopbackPages pages = new LoopbackPages(server);
    server.createContext("/", pages::serve);
    server.start();
    return pages;
  }

  /** The server's address as {@code 127.0.0.1:PORT}. */
  String authority() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every request served so far, in order. */
  List<Request> requests() {
    return List.copyOf(seen);
  }

  /** The text of the page served for {@code host} and {@code path}. */
  static String page(String host, String path) {
    return "Aegis test page for host " + host + " and path " + path;
  }

  private void serve(HttpExchange exchange) throws IOException {
    String host = exchange.getRequestHeaders().getFirst("Host");
    String path = exchange.getRequestURI().getPath();
    seen.add(new Request(host, path));
    byte[] body = page(host, path).getBytes(StandardCharsets.UTF_8);
    // text/plain: the fetch server returns it raw (HTML would go through readabilipy, which
    // runs npm install on first use).
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
