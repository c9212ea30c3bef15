package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code mcp} section of an MCP pack: the real server the proxy runs, the manifest it runs
 * under, extra {@code aegis-proxy} flags and the files created under {@code ${ROOT}} before each
 * case. Values may hold placeholders ({@link Placeholders}), substituted per case. Immutable apart
 * from the manifest node, which callers must not modify.
 *
 * @param server the server's command line (argv), not empty
 * @param manifest the capability manifest the proxy gets ({@code --manifest})
 * @param options extra {@code aegis-proxy} flags, e.g. {@code --approval-hold 0}
 * @param files relative path under {@code ${ROOT}} to the text written there, in file order
 */
public record McpSetup(
    List<String> server, JsonNode manifest, List<String> options, Map<String, String> files) {
  /** Copies the lists and the map. */
  public McpSetup {
    server = List.copyOf(server);
    options = List.copyOf(options);
    files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  /**
   * Reads an {@code mcp} section; a manifest given by name is looked up in {@code manifests}.
   * Anything malformed throws {@link IOException} naming {@code where}.
   */
  static McpSetup read(JsonNode mcp, JsonNode manifests, String where) throws IOException {
    if (!mcp.isObject()) {
      throw new IOException(where + ": mcp must be an object");
    }
    List<String> server = strings(mcp.get("server"), where + " mcp.server");
    if (server.isEmpty()) {
      throw new IOException(where + ": mcp.server must be a non-empty list of strings");
    }
    JsonNode manifest = mcp.get("manifest");
    if (manifest == null || !(manifest.isTextual() || manifest.isObject())) {
      throw new IOException(where + ": mcp.manifest must be a manifest name or an object");
    }
    if (manifest.isTextual()) {
      JsonNode named = manifests.get(manifest.asText());
      if (named == null) {
        throw new IOException(where + ": no manifest named " + manifest.asText());
      }
      manifest = named;
    }
    List<String> options =
        mcp.has("options") ? strings(mcp.get("options"), where + " mcp.options") : List.of();
    Map<String, String> files = new LinkedHashMap<>();
    JsonNode f = mcp.get("files");
    if (f != null) {
      if (!f.isObject()) {
        throw new IOException(where + ": mcp.files must map relative paths to text");
      }
      for (Map.Entry<String, JsonNode> e : f.properties()) {
        if (!e.getValue().isTextual() || e.getKey().startsWith("/") || e.getKey().contains("..")) {
          throw new IOException(where + ": mcp.files." + e.getKey() + ": a relative path to text");
        }
        files.put(e.getKey(), e.getValue().asText());
      }
    }
    return new McpSetup(server, manifest.deepCopy(), options, files);
  }

  private static List<String> strings(JsonNode list, String at) throws IOException {
    if (list == null || !list.isArray()) {
      throw new IOException(at + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : list) {
      if (!s.isTextual()) {
        throw new IOException(at + " must be a list of strings");
      }
      out.add(s.asText());
    }
    return out;
  }
}
