package dev.aegis.testsupport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A byte-exact stdio peer for fault injection and transparency tests: the bytes a real MCP server
 * cannot be made to produce (garbage, odd ids, crashes mid-request, stubborn exits).
 *
 * <p>Flags: {@code --out FILE} records every stdin byte; {@code --emit FILE} writes that file to
 * stdout at start, or after K input lines with {@code --emit-after-lines K}; {@code --reply}
 * answers each request with {@code {"result":{"echo":METHOD}}} (id copied verbatim); {@code
 * --list-results FILE} answers the n-th {@code tools/list} request with the n-th line of FILE as
 * its {@code result} (the last line once they run out), other requests as {@code --reply} does;
 * {@code --exit-after-lines K} exits after K input lines without answering the last; {@code
 * --exit-code N} is the exit code; {@code --ignore-eof} keeps running after stdin EOF (up to 60 s)
 * so the caller must TERM it.
 */
public final class ScriptedPeer {
  private ScriptedPeer() {}

  /** Runs the peer; see the class comment for flags. */
  public static void main(String[] args) throws Exception {
    Path out = null;
    Path emit = null;
    boolean reply = false;
    boolean ignoreEof = false;
    int exitAfter = -1;
    int exitCode = 0;
    int emitAfter = 0;
    java.util.List<String> listResults = java.util.List.of();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--emit" -> emit = Path.of(args[++i]);
        case "--reply" -> reply = true;
        case "--list-results" -> {
          listResults = Files.readAllLines(Path.of(args[++i]), StandardCharsets.UTF_8);
          reply = true;
        }
        case "--ignore-eof" -> ignoreEof = true;
        case "--exit-after-lines" -> exitAfter = Integer.parseInt(args[++i]);
        case "--exit-code" -> exitCode = Integer.parseInt(args[++i]);
        case "--emit-after-lines" -> emitAfter = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    OutputStream stdout = System.out;
    byte[] emitted = emit == null ? null : Files.readAllBytes(emit);
    if (emitted != null && emitAfter == 0) {
      stdout.write(emitted);
      stdout.flush();
    }
    OutputStream record =
        out == null ? OutputStream.nullOutputStream() : new FileOutputStream(out.toFile());
    InputStream in = System.in;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int lines = 0;
    int lists = 0;
    int b;
    while ((b = in.read()) >= 0) {
      record.write(b);
      if (b != '\n') {
        line.write(b);
        continue;
      }
      record.flush();
      lines++;
      if (emitted != null && emitAfter > 0 && lines == emitAfter) {
        stdout.write(emitted);
        stdout.flush();
      }
      if (exitAfter >= 0 && lines >= exitAfter) {
        System.exit(exitCode);
      }
      if (reply) {
        String listed =
            listResults.isEmpty() ? null : listResults.get(Math.min(lists, listResults.size() - 1));
        if (answer(line.toByteArray(), stdout, listed)) {
          lists++;
        }
      }
      line.reset();
    }
    record.close();
    if (ignoreEof) {
      Thread.sleep(60_000);
    }
    System.exit(exitCode);
  }

  /** Answers one request line; true if it was a tools/list answered from {@code listed}. */
  private static boolean answer(byte[] line, OutputStream stdout, String listed)
      throws IOException {
    String id = null;
    String method = null;
    try (JsonParser p = new JsonFactory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("id")) {
          // Numbers keep their literal text; test ids are plain strings, so no re-escaping.
          id = t == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : p.getText();
        } else if (name.equals("method")) {
          method = p.getText();
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      return false;
    }
    if (id == null || method == null) {
      return false;
    }
    boolean list = listed != null && method.equals("tools/list");
    String result = list ? listed : "{\"echo\":\"" + method + "\"}";
    String r = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}\n";
    stdout.write(r.getBytes(StandardCharsets.UTF_8));
    stdout.flush();
    return list;
  }
}
