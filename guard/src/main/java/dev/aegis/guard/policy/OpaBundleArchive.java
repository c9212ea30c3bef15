package dev.aegis.guard.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * The parts of an OPA bundle ({@code opa build -t wasm} output: a gzipped tar) the Wasm engine
 * uses: {@code /policy.wasm} and the root {@code /data.json}. Reads ustar, PAX and GNU long names.
 */
record OpaBundleArchive(byte[] wasm, String data) {
  /** Caps what a bundle may expand to, against gzip bombs. */
  static final long MAX_EXPANDED_BYTES = 256L * 1024 * 1024;

  private static final int BLOCK = 512;

  /** Extracts the policy and data of a gzipped OPA bundle. */
  static OpaBundleArchive read(byte[] gzipped, String source) throws PolicyLoadException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return read(in, source);
    } catch (IOException e) {
      throw new PolicyLoadException(source + ": not a readable OPA bundle: " + e.getMessage(), e);
    }
  }

  private static OpaBundleArchive read(InputStream in, String source)
      throws IOException, PolicyLoadException {
    byte[] wasm = null;
    String data = null;
    String longName = null;
    long expanded = 0;
    byte[] header = new byte[BLOCK];
    while (readBlock(in, header)) {
      if (isZero(header)) {
        break;
      }
      String name = longName != null ? longName : name(header);
      longName = null;
      long size = octal(header, 124, 12);
      char type = (char) header[156];
      expanded += BLOCK + padded(size);
      if (size < 0 || expanded > MAX_EXPANDED_BYTES) {
        throw new PolicyLoadException(source + ": bundle entry too large: " + name);
      }
      byte[] body = in.readNBytes((int) size);
      if (body.length != size) {
        throw new PolicyLoadException(source + ": truncated bundle");
      }
      in.skipNBytes(padded(size) - size);
      if (type == 'x' || type == 'L') {
        longName = type == 'L' ? cString(body) : paxPath(body);
        continue;
      }
      if (type != '0' && type != '\0') {
        continue; // directories, links, global headers: nothing the policy needs
      }
      String path = normalise(name);
      if (path.equals("policy.wasm")) {
        wasm = body;
      } else if (path.equals("data.json")) {
        data = checkedData(body, source);
      } else if (path.endsWith("/data.json") || path.endsWith("data.yaml")) {
        throw new PolicyLoadException(
            source + ": nested data file " + path + " (rebuild with `opa build -t wasm`)");
      }
    }
    if (wasm == null) {
      throw new PolicyLoadException(
          source + ": no /policy.wasm in the bundle (build it with `opa build -t wasm …`)");
    }
    return new OpaBundleArchive(wasm, data);
  }

  @Override
  public String toString() {
    return "OpaBundleArchive[wasm=" + wasm.length + " bytes, data=" + (data != null) + "]";
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    if (n == 0) {
      return false;
    }
    if (n != BLOCK) {
      throw new IOException("truncated tar header");
    }
    return true;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String name(byte[] header) {
    String name = cString(header, 0, 100);
    String magic = cString(header, 257, 6);
    String prefix = magic.startsWith("ustar") ? cString(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static long octal(byte[] header, int offset, int length) throws IOException {
    String digits = cString(header, offset, length).trim();
    try {
      return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
    } catch (NumberFormatException e) {
      throw new IOException("bad tar size field: " + digits);
    }
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static String cString(byte[] b) {
    return cString(b, 0, b.length);
  }

  private static String cString(byte[] b, int offset, int length) {
    int end = offset;
    while (end < offset + length && b[end] != 0) {
      end++;
    }
    return new String(b, offset, end - offset, StandardCharsets.UTF_8);
  }

  /** The {@code path} record of a PAX extended header ("LEN path=VALUE\n" records), or null. */
  private static String paxPath(byte[] body) {
    String records = new String(body, StandardCharsets.UTF_8);
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private static String normalise(String name) {
    String n = name;
    while (n.startsWith("/") || n.startsWith("./")) {
      n = n.substring(n.startsWith("/") ? 1 : 2);
    }
    return n;
  }

  private static String checkedData(byte[] body, String source) throws PolicyLoadException {
    try {
      JsonNode data = Json.parse(body);
      if (!data.isObject()) {
        throw new PolicyLoadException(source + ": /data.json is not a JSON object");
      }
      return new String(body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PolicyLoadException(source + ": /data.json is not valid JSON: " + e.getMessage());
    }
  }
}
