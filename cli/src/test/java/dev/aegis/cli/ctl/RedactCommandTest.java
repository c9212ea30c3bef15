package dev.aegis.cli.ctl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aegisctl redact: one body by seq, or every body holding a secret. */
class RedactCommandTest {
  @TempDir Path dir;
  String url;

  private static byte[] frame(String text) {
    return ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""
            + text
            + "\"}]}}")
        .getBytes(UTF_8);
  }

  @BeforeEach
  void storeChains() {
    Path db = dir.resolve("chain.db");
    url = TestChains.url(db);
    TestChains.store(
        db,
        "default",
        "s1",
        List.of(
            frame("nothing to see"),
            frame("key AKIAIOSFODNN7EXAMPLE in the env"),
            frame("-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Blbn=="),
            frame("token ghp_0123456789abcdefghijABCDEFGHIJ012345 pasted"),
            frame("ACME-12345678 is an internal id")));
    TestChains.store(db, "acme", "a1", List.of(frame("xoxb-1234567890-abcdefghij")));
  }

  @Test
  void aDryRunListsEveryBodyHoldingASecretAndErasesNothing() {
    Ctl.Run run = Ctl.run("redact", "--store", url, "--secrets", "--dry-run");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().lines())
        .containsExactly( // sessions in the store's order: first event time, then tenant
            "would redact acme/a1#1  slack-token",
            "would redact default/s1#2  aws-access-key-id",
            "would redact default/s1#3  private-key",
            "would redact default/s1#4  github-token",
            "would redact 4 bodies holding secrets");
    assertThat(run.err()).as("frame bodies only: the sealed records hold digests").isEmpty();
    assertThat(Ctl.run("verify", "--store", url).out()).doesNotContain("redacted=");
  }

  @Test
  void secretsAndOperatorPatternsAreRedactedAndTheChainStillVerifies() {
    Ctl.Run run =
        Ctl.run(
            "redact",
            "--store",
            url,
            "--session",
            "s1",
            "--secrets",
            "--pattern",
            "ACME-[0-9]{8}",
            "--by",
            "ops");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("redacted default/s1#5  pattern-1")
        .endsWith("redacted 4 bodies holding secrets" + System.lineSeparator());
    Ctl.Run verify = Ctl.run("verify", "--store", url, "--session", "s1");
    assertThat(verify.exit()).isZero();
    assertThat(verify.out()).contains("redacted=2,3,4,5");
    assertThat(Ctl.run("verify", "--store", url, "--tenant", "acme").out())
        .as("--session limits the scan")
        .doesNotContain("redacted=");
  }

  @Test
  void aSeqOrAScanButNotBothNorNeither() {
    assertThat(Ctl.run("redact", "--store", url, "--session", "s1").exit()).isEqualTo(2);
    assertThat(
            Ctl.run("redact", "--store", url, "--session", "s1", "--seq", "2", "--secrets").exit())
        .isEqualTo(2);
    Ctl.Run badRegex = Ctl.run("redact", "--store", url, "--pattern", "(");
    assertThat(badRegex.exit()).isEqualTo(2);
    assertThat(badRegex.err()).contains("--pattern (");
    Ctl.Run one = Ctl.run("redact", "--store", url, "--session", "s1", "--seq", "1");
    assertThat(one.exit()).as(one.err()).isZero();
    assertThat(Ctl.run("redact", "--store", url, "--session", "s1", "--seq", "1").exit())
        .as("already redacted")
        .isEqualTo(1);
  }
}
