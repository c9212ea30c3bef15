package dev.aegis.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.event.Hex;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointNoteTest {
  private static final String HEAD = Hex.sha256("x".getBytes(StandardCharsets.UTF_8));

  private static KeyPair keys() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  @Test
  void aSignedNoteHasTheStatementABlankLineAndOneSignatureLine() throws Exception {
    KeyPair k = keys();
    CheckpointSigner signer = new CheckpointSigner(k.getPrivate(), k.getPublic());
    Checkpoint c = signer.sign(Checkpoint.unsigned("acme", "s1", 1999, HEAD, 1700000000000L));
    String note = CheckpointNote.format(c);
    List<String> lines = note.lines().toList();
    assertThat(lines.subList(0, 7))
        .containsExactly(
            "aegis-checkpoint/v1",
            "tenant acme",
            "session s1",
            "seq 1999",
            "head " + HEAD,
            "time 1700000000000",
            "");
    assertThat(lines.get(7)).startsWith("\u2014 " + signer.keyId() + " ");
    assertThat(lines).hasSize(8);
    assertThat(CheckpointSigner.verifies(c, k.getPublic())).isTrue();
    assertThat(CheckpointSigner.verifies(c, keys().getPublic())).as("another key").isFalse();
  }

  @Test
  void notesRoundTripOneAfterAnotherWithOddIds() throws Exception {
    KeyPair k = keys();
    CheckpointSigner signer = new CheckpointSigner(k.getPrivate(), k.getPublic());
    Checkpoint a = signer.sign(Checkpoint.unsigned("t 1%", "s\nx", 0, HEAD, 1));
    Checkpoint b = Checkpoint.unsigned("tenant-ü", "s", 7, HEAD, 2);
    List<Checkpoint> back =
        CheckpointNote.parse(CheckpointNote.format(a) + CheckpointNote.format(b));
    assertThat(back).containsExactly(a, b);
    assertThat(CheckpointNote.format(a)).contains("tenant t%201%25\n").contains("session s%0Ax\n");
    assertThat(CheckpointSigner.verifies(back.get(0), k.getPublic())).isTrue();
  }

  @Test
  void anAlteredStatementNoLongerVerifies() throws Exception {
    KeyPair k = keys();
    Checkpoint c =
        new CheckpointSigner(k.getPrivate(), k.getPublic())
            .sign(Checkpoint.unsigned("acme", "s", 10, HEAD, 5));
    String forged = CheckpointNote.format(c).replace("seq 10", "seq 9");
    assertThat(CheckpointSigner.verifies(CheckpointNote.parse(forged).get(0), k.getPublic()))
        .isFalse();
  }

  @Test
  void malformedNotesNameTheLine() {
    assertThatThrownBy(() -> CheckpointNote.parse("hello\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1");
    String bad = "aegis-checkpoint/v1\ntenant a\nsession s\nseq x\nhead " + HEAD + "\ntime 1\n";
    assertThatThrownBy(() -> CheckpointNote.parse(bad)).hasMessageContaining("line 4");
  }

  @Test
  void aSignerRefusesAPublicKeyOfAnotherPair() throws Exception {
    assertThatThrownBy(() -> new CheckpointSigner(keys().getPrivate(), keys().getPublic()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
