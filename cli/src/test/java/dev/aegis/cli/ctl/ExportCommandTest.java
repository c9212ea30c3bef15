package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.event.Hex;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
  @TempDir Path dir;
  Path db;
  String url;
  List<ChainRecord> s1;

  @BeforeEach
  void storeChain() {
    db = dir.resolve("chain.db");
    url = TestChains.url(db);
    s1 = TestChains.store(db, "default", "s1", 8, true);
    TestChains.store(db, "acme", "s1", 3, false);
  }

  /** The export the format promises, built by hand from the records. */
  private static byte[] expectedExport(List<ChainRecord> records) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (ChainRecord r : records) {
      b.writeBytes("{\"record\":".getBytes(StandardCharsets.US_ASCII));
      b.writeBytes(r.sealed());
      b.writeBytes((",\"hash\":\"" + r.hash() + "\"").getBytes(StandardCharsets.US_ASCII));
      if (r.body() != null) {
        String b64 = Base64.getEncoder().encodeToString(r.body());
        b.writeBytes((",\"body\":\"" + b64 + "\"").getBytes(StandardCharsets.US_ASCII));
      }
      b.writeBytes("}\n".getBytes(StandardCharsets.US_ASCII));
    }
    return b.toByteArray();
  }

  @Test
  void exportWritesTheStoredBytesVerbatimToStdout() {
    Ctl.Run run = Ctl.run("export", "--store", url, "--session", "s1");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.raw()).isEqualTo(expectedExport(s1));
    assertThat(run.rawText().lines()).hasSize(8);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEmpty();
  }

  @Test
  void exportOfAnotherTenant() {
    Ctl.Run run = Ctl.run("export", "--store", url, "--tenant", "acme", "--session", "s1");
    assertThat(run.exit()).isZero();
    assertThat(run.raw()).isEqualTo(expectedExport(TestChains.chain("acme", "s1", 3, false)));
  }

  @Test
  void exportToAFileVerifiesWithoutTheStore() throws Exception {
    Path out = dir.resolve("s1.ndjson");
    Ctl.Run run = Ctl.run("export", "--store", url, "--session", "s1", "--out", out.toString());
    assertThat(run.exit()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(expectedExport(s1));
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
        .noneMatch(n -> n.endsWith(".part"));

    Ctl.Run verify = Ctl.run("verify", "--file", out.toString());
    assertThat(verify.exit()).isZero();
    assertThat(verify.out())
        .isEqualTo(
            "valid    default/s1  events=8  head=" + s1.get(7).hash() + System.lineSeparator());
  }

  /** The design note's promise: a line can be checked with any JSON library and RFC 8785. */
  @Test
  void exportLinesVerifyIndependentlyOfAegis() throws Exception {
    Ctl.Run run = Ctl.run("export", "--store", url, "--session", "s1");
    ObjectMapper plain = new ObjectMapper();
    String prev = null;
    for (String line : run.rawText().split("\n")) {
      JsonNode l = plain.readTree(line);
      JsonNode record = l.get("record");
      byte[] canonical = new JsonCanonicalizer(plain.writeValueAsString(record)).getEncodedUTF8();
      assertThat(Hex.sha256(canonical)).isEqualTo(l.get("hash").asText());
      assertThat(record.path("prev_hash").textValue()).isEqualTo(prev);
      if (l.has("body")) {
        byte[] body = Base64.getDecoder().decode(l.get("body").asText());
        assertThat(Hex.sha256(body)).isEqualTo(record.get("payload").get("body_sha256").asText());
      }
      prev = l.get("hash").asText();
    }
    assertThat(prev).isEqualTo(s1.get(7).hash());
  }

  @Test
  void modifiedExportLinesAreFound() throws Exception {
    List<String> lines = exportLines();

    List<String> record = new ArrayList<>(lines);
    record.set(3, record.get(3).replace("\"method\":\"tools/call\"", "\"method\":\"tools/cast\""));
    assertVerifyFile(
        record, 1, "INVALID  default/s1  events=8  first_bad_seq=3  reason=hash mismatch");

    List<String> body = new ArrayList<>(lines);
    String b = body.get(2);
    int at = b.indexOf("\"body\":\"") + 10;
    body.set(2, b.substring(0, at) + (b.charAt(at) == 'A' ? 'B' : 'A') + b.substring(at + 1));
    assertVerifyFile(
        body,
        1,
        "INVALID  default/s1  events=8  first_bad_seq=2  reason=frame body does not match");

    List<String> deleted = new ArrayList<>(lines);
    deleted.remove(5);
    assertVerifyFile(
        deleted, 1, "INVALID  default/s1  events=7  first_bad_seq=5  reason=gap: seq 5 is missing");

    List<String> swapped = new ArrayList<>(lines);
    swapped.set(1, lines.get(4));
    swapped.set(4, lines.get(1));
    assertVerifyFile(
        swapped,
        1,
        "INVALID  default/s1  events=8  first_bad_seq=1  reason=gap: seq 1 is missing (next stored"
            + " seq is 4)");

    List<String> reordered = new ArrayList<>(lines);
    reordered.set(4, lines.get(3));
    assertVerifyFile(
        reordered,
        1,
        "INVALID  default/s1  events=8  first_bad_seq=4  reason=seq out of order: found 3 where 4"
            + " was expected");

    List<String> foreign = new ArrayList<>(lines);
    foreign.set(3, acmeLines().get(2));
    assertVerifyFile(
        foreign,
        1,
        "INVALID  default/s1  events=8  first_bad_seq=3  reason=record belongs to acme/s1");

    List<String> noBody = new ArrayList<>(lines);
    noBody.set(1, noBody.get(1).replaceAll(",\"body\":\"[^\"]*\"", ""));
    assertVerifyFile(
        noBody, 1, "INVALID  default/s1  events=8  first_bad_seq=1  reason=frame body missing");
  }

  @Test
  void malformedExportLinesAreInvalidAtThatLine() throws Exception {
    List<String> lines = exportLines();

    List<String> cut = new ArrayList<>(lines);
    cut.set(2, cut.get(2).substring(0, 50));
    assertVerifyFile(
        cut, 1, "INVALID  default/s1  events=8  first_bad_seq=2  reason=line 3: not valid JSON");

    List<String> blank = new ArrayList<>(lines);
    blank.add(4, "");
    assertVerifyFile(
        blank, 1, "INVALID  default/s1  events=9  first_bad_seq=4  reason=line 5: empty line");

    List<String> first = new ArrayList<>(lines);
    first.set(0, "[]");
    assertVerifyFile(
        first, 1, "INVALID  -  events=8  first_bad_seq=0  reason=line 1: not a JSON object");

    assertVerifyFile(List.of(), 1, "INVALID  -  events=0  first_bad_seq=0  reason=no records");
  }

  @Test
  void lastLineMayLackItsNewline() throws Exception {
    Path f = dir.resolve("nonl.ndjson");
    Files.writeString(f, String.join("\n", exportLines()));
    Ctl.Run run = Ctl.run("verify", "--file", f.toString());
    assertThat(run.exit()).isZero();
  }

  @Test
  void tamperedStoreExportsVerbatimAndVerifiesTheSame() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.flipSealedByte("s1", 6, 30);
    }
    Path out = dir.resolve("t.ndjson");
    assertThat(Ctl.run("export", "--store", url, "--session", "s1", "--out", out.toString()).exit())
        .isZero();
    Ctl.Run fromFile = Ctl.run("verify", "--file", out.toString());
    Ctl.Run fromStore = Ctl.run("verify", "--store", url, "--session", "s1");
    assertThat(fromFile.exit()).isEqualTo(1);
    assertThat(fromFile.out()).isEqualTo(fromStore.out()).contains("first_bad_seq=6");
  }

  @Test
  void unreadableFileIsAConfigurationError() {
    Ctl.Run run = Ctl.run("verify", "--file", dir.resolve("missing.ndjson").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("aegisctl: cannot read ").contains("no such file");
    assertThat(run.err().lines()).hasSize(1);

    Ctl.Run directory = Ctl.run("verify", "--file", dir.toString());
    assertThat(directory.exit()).isEqualTo(2);
    assertThat(directory.err()).startsWith("aegisctl: cannot read ");
  }

  @Test
  void unknownSessionIsAConfigurationError() {
    Ctl.Run run = Ctl.run("export", "--store", url, "--session", "nope");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.raw()).isEmpty();
    assertThat(run.err()).startsWith("aegisctl: no such session: default/nope in ");
  }

  @Test
  void sessionIsRequired() {
    Ctl.Run run = Ctl.run("export", "--store", url);
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("aegisctl: Missing required option: '--session=S'")
        .contains("Try 'aegisctl export --help' for more information.");
  }

  @Test
  void unwritableOutputIsAConfigurationError() {
    Ctl.Run run =
        Ctl.run(
            "export",
            "--store",
            url,
            "--session",
            "s1",
            "--out",
            dir.resolve("no/such/dir/x.ndjson").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("aegisctl: cannot write ");
  }

  private List<String> acmeLines() {
    Ctl.Run run = Ctl.run("export", "--store", url, "--tenant", "acme", "--session", "s1");
    return List.of(run.rawText().split("\n"));
  }

  private List<String> exportLines() {
    Ctl.Run run = Ctl.run("export", "--store", url, "--session", "s1");
    assertThat(run.exit()).isZero();
    return List.of(run.rawText().split("\n"));
  }

  private void assertVerifyFile(List<String> lines, int exit, String outPrefix) throws Exception {
    Path f = Files.createTempFile(dir, "edited", ".ndjson");
    StringBuilder text = new StringBuilder();
    for (String l : lines) {
      text.append(l).append('\n');
    }
    Files.writeString(f, text);
    Ctl.Run run = Ctl.run("verify", "--file", f.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(exit);
    assertThat(run.out()).startsWith(outPrefix);
  }
}
