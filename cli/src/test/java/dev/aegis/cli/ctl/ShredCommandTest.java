package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.json.Json;
import dev.aegis.store.BodyKeys;
import dev.aegis.store.ChainStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bodies encrypted at rest, read by verify and export with their keys, then shredded. */
class ShredCommandTest {
  @TempDir Path dir;
  Path db;
  Path keys;
  String url;
  List<ChainRecord> s1;

  @BeforeEach
  void storeEncryptedChain() {
    db = dir.resolve("chain.db");
    keys = dir.resolve("keys");
    url = TestChains.url(db);
    s1 = TestChains.chain("acme", "s1", 6, true);
    try (ChainStore store = ChainStores.open(url, Durability.NORMAL, BodyKeys.in(keys))) {
      s1.forEach(r -> store.append(r).join());
    }
  }

  private Ctl.Run verify(String... extra) {
    String[] base = {"verify", "--store", url, "--tenant", "acme", "--session", "s1"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return Ctl.run(args);
  }

  /** Exports acme/s1 to a file (with the extra flags) and returns the file. */
  private Path export(String... extra) {
    Path out = dir.resolve("s1.ndjson");
    List<String> args =
        new ArrayList<>(List.of("export", "--store", url, "--tenant", "acme", "--session", "s1"));
    args.addAll(List.of(extra));
    args.addAll(List.of("--out", out.toString()));
    Ctl.Run export = Ctl.run(args.toArray(String[]::new));
    assertThat(export.exit()).as(export.err()).isZero();
    return out;
  }

  @Test
  void withTheKeysBodiesAreReadAndExportedInClear() throws Exception {
    Ctl.Run run = verify("--body-keys", keys.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("valid    acme/s1").doesNotContain("shredded");

    Path out = export("--body-keys", keys.toString());
    assertThat(Files.readString(out)).doesNotContain("\"redacted\":true");
    assertThat(Ctl.run("verify", "--file", out.toString()).exit()).isZero();
  }

  @Test
  void shreddingMakesBodiesUnreadableAndTheChainStillVerifies() throws Exception {
    Ctl.Run refused = Ctl.run("shred", "--body-keys", keys.toString(), "--tenant", "acme");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("add --yes");
    assertThat(Files.exists(BodyKeys.in(keys).file("acme"))).isTrue();

    Ctl.Run shred = Ctl.run("shred", "--body-keys", keys.toString(), "--tenant", "acme", "--yes");
    assertThat(shred.exit()).as(shred.err()).isZero();
    assertThat(shred.out()).startsWith("shredded tenant acme: deleted ");
    assertThat(Files.exists(BodyKeys.in(keys).file("acme"))).isFalse();
    Ctl.Run again = Ctl.run("shred", "--body-keys", keys.toString(), "--tenant", "acme", "--yes");
    assertThat(again.exit()).isEqualTo(1);

    Ctl.Run run = verify("--body-keys", keys.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "valid    acme/s1  events=6  head="
                + s1.get(5).hash()
                + "  shredded=1,2,3,4"
                + System.lineSeparator());
    JsonNode doc = Json.parseTrusted(verify("--json").out());
    JsonNode chain = doc.get("chains").get(0);
    assertThat(chain.get("valid").asBoolean()).isTrue();
    assertThat(chain.get("shredded")).hasSize(4);
    assertThat(chain.get("redacted")).isEmpty();

    Path out = export();
    assertThat(Files.readString(out)).contains("\"redacted\":true").doesNotContain("\"body\"");
    assertThat(Ctl.run("verify", "--file", out.toString()).exit()).isZero();
  }

  @Test
  void aTamperedCiphertextIsStillTampering() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.sql("UPDATE bodies SET body = (SELECT body FROM bodies WHERE seq = 1) WHERE seq = 3");
    }
    Ctl.Run run = verify("--body-keys", keys.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("first_bad_seq=3");
  }
}
