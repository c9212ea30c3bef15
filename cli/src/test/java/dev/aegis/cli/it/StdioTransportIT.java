package dev.aegis.cli.it;

import dev.aegis.testsupport.NodePeers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The transport contract for stdio to stdio: {@code aegis-proxy -- server-everything stdio}. */
class StdioTransportIT extends TransportContract {
  @Override
  Client start(Path dir, String storeUrl, Path manifest) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store", storeUrl, "--manifest", manifest.toString(), "--session", "c-a", "--"));
    args.addAll(NodePeers.everythingServer());
    return new Lines(ProxyProcess.start("aegis-proxy", args), null);
  }
}
