package dev.aegis.cli.it;

import java.nio.file.Path;

/** The transport contract for Streamable HTTP to Streamable HTTP ({@code --listen --upstream}). */
class HttpTransportIT extends TransportContract {
  @Override
  Client start(Path dir, String storeUrl, Path manifest) throws Exception {
    int upstreamPort = HttpPeers.freePort();
    Process upstream = HttpPeers.everything(upstreamPort, dir.resolve("upstream.log"));
    int port = HttpPeers.freePort();
    ProxyProcess proxy =
        HttpPeers.proxy(
            dir.resolve("chain.db"), port, "http://127.0.0.1:" + upstreamPort + "/mcp", manifest);
    return new Http(proxy, upstream, port);
  }
}
