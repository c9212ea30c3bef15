package dev.aegis.core.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import org.junit.jupiter.api.Test;

class ApprovalSignerTest {
  private final ApprovalSigner signer = new ApprovalSigner(ApprovalSigner.newKey());

  private static ApprovalRecord record(String token, String tool, String sha, long expires) {
    return ApprovalRecord.pending(token, "t", "s", "1", tool, Json.object(), sha, 0, 0, expires);
  }

  @Test
  void aTokenVerifiesOnlyForItsOwnBindingAndKey() {
    String sha = "ab".repeat(32);
    String token = signer.token("t", "s", "deploy", sha, 5000);
    assertThat(ApprovalSigner.looksLikeToken(token)).isTrue();
    assertThat(signer.verifies(record(token, "deploy", sha, 5000))).isTrue();
    assertThat(signer.verifies(record(token, "other", sha, 5000))).isFalse();
    assertThat(signer.verifies(record(token, "deploy", "cd".repeat(32), 5000))).isFalse();
    assertThat(signer.verifies(record(token, "deploy", sha, 5001))).as("expiry bound").isFalse();
    ApprovalSigner other = new ApprovalSigner(ApprovalSigner.newKey());
    assertThat(other.verifies(record(token, "deploy", sha, 5000))).isFalse();
    assertThat(signer.verifies(record("apv1-nonsense", "deploy", sha, 5000))).isFalse();
  }

  @Test
  void requestStatesOpenOnlyUntamperedAndWithTheSameKey() {
    ObjectNode state = Json.object().put("tool_name", "deploy").put("nonce", "n1");
    String sealed = signer.requestState(state);
    assertThat(ApprovalSigner.isOurState(sealed)).isTrue();
    assertThat(signer.openState(sealed)).contains(state);
    String flipped =
        sealed.substring(0, 12) + (sealed.charAt(12) == 'A' ? 'B' : 'A') + sealed.substring(13);
    assertThat(signer.openState(flipped)).isEmpty();
    assertThat(new ApprovalSigner(ApprovalSigner.newKey()).openState(sealed)).isEmpty();
    assertThat(signer.openState("aegis1.garbage")).isEmpty();
    assertThat(signer.openState("someone-elses-state")).isEmpty();
  }

  @Test
  void aLazyKeyIsReadOnFirstUseOnly() {
    int[] reads = {0};
    byte[] key = ApprovalSigner.newKey();
    ApprovalSigner lazy =
        ApprovalSigner.lazy(
            () -> {
              reads[0]++;
              return key;
            });
    assertThat(reads[0]).isZero();
    String token = lazy.token("t", "s", "x", "00", 1);
    assertThat(new ApprovalSigner(key).verifies(record(token, "x", "00", 1))).isTrue();
    lazy.token("t", "s", "x", "00", 1);
    assertThat(reads[0]).isEqualTo(1);
  }

  @Test
  void argsDiffListsChangedKeysInOrder() {
    ObjectNode before = Json.object().put("a", 1).put("b", "x").put("c", true);
    ObjectNode after = Json.object().put("a", 1).put("b", "y").put("d", 4);
    assertThat(Json.write(ArgsDiff.of(before, after)))
        .isEqualTo(
            "[{\"key\":\"b\",\"op\":\"change\",\"before\":\"x\",\"after\":\"y\"},"
                + "{\"key\":\"c\",\"op\":\"remove\",\"before\":true},"
                + "{\"key\":\"d\",\"op\":\"add\",\"after\":4}]");
    assertThat(ArgsDiff.of(before, before)).isEmpty();
  }
}
