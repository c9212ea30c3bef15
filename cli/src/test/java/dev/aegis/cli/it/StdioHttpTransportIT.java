package dev.aegis.cli.it;

import java.nio.file.Path;
import java.util.List;

/** The transport contract for stdio to Streamable HTTP ({@code --upstream URL}, no --listen). */
class StdioHttpTransportIT extends TransportContract {
  @Override
  Client start(Path dir, String storeUrl, Path manifest) throws Exception {
    int upstreamPort = HttpPeers.freePort();
    Process upstream = HttpPeers.everything(upstreamPort, dir.resolve("upstream.log"));
    List<String> args =
        List.of(
            "--store",
            storeUrl,
            "--manifest",
            manifest.toString(),
            "--session",
            "c-d",
            "--upstream",
            "http://127.0.0.1:" + upstreamPort + "/mcp");
    return new Lines(ProxyProcess.start("aegis-proxy", args), upstream);
  }
}
