package dev.aegis.cli.it;

import dev.aegis.testsupport.NodePeers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The transport contract for Streamable HTTP to stdio ({@code --listen -- server-everything}). */
class HttpBridgeTransportIT extends TransportContract {
  @Override
  Client start(Path dir, String storeUrl, Path manifest) throws Exception {
    int port = HttpPeers.freePort();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                storeUrl,
                "--manifest",
                manifest.toString(),
                "--listen",
                "127.0.0.1:" + port,
                "--"));
    args.addAll(NodePeers.everythingServer());
    ProxyProcess proxy = ProxyProcess.start("aegis-proxy", args);
    HttpPeers.awaitPort(port, proxy.process);
    return new Http(proxy, null, port);
  }
}
