package dev.aegis.guard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.guard.manifest.TrustPolicy.Mode;
import dev.aegis.guard.manifest.TrustResult.Status;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustPolicyTest {
  private static final KeyPair KEY = ManifestKeys.generate();
  private static final KeyPair OTHER = ManifestKeys.generate();
  private static final String ID = ManifestKeys.keyId(KEY.getPublic());

  private static Manifest unsigned() throws Exception {
    return Manifests.parse(Manifests.MINIMAL);
  }

  private static Manifest signed() throws Exception {
    return Manifests.parse(
        ManifestSigner.sign(Manifests.tree(Manifests.MINIMAL), KEY.getPrivate()));
  }

  private static Manifest tampered() throws Exception {
    ObjectNode json = signed().json();
    ((com.fasterxml.jackson.databind.node.ArrayNode) json.path("permissions").path("tools"))
        .add("delete_everything");
    return Manifests.parse(json);
  }

  private static TrustPolicy prod() {
    return new TrustPolicy(Mode.PROD, List.of(OTHER.getPublic(), KEY.getPublic()));
  }

  private static TrustPolicy dev() {
    return new TrustPolicy(Mode.DEV, List.of(KEY.getPublic()));
  }

  @Test
  void modesParseExactly() {
    assertThat(Mode.parse("dev")).isEqualTo(Mode.DEV);
    assertThat(Mode.parse("prod")).isEqualTo(Mode.PROD);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "PROD", "Dev", "production", "strict"})
  void emptyOrUnknownModeIsAConfigErrorNotProd(String s) {
    assertThatThrownBy(() -> Mode.parse(s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trust mode \"" + s + "\" (expected: dev or prod)");
  }

  @Test
  void prodNeedsATrustedKey() {
    assertThatThrownBy(() -> new TrustPolicy(Mode.PROD, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trusted keys: none (expected: at least one trusted public key in prod mode)");
  }

  @Test
  void prodTrustsAValidSignatureByATrustedKey() throws Exception {
    TrustResult r = prod().check(signed());
    assertThat(r.status()).isEqualTo(Status.TRUSTED);
    assertThat(r.accepted()).isTrue();
    assertThat(r.keyId()).isEqualTo(ID);
    assertThat(r.warning()).isEmpty();
    assertThat(dev().check(signed()).status()).isEqualTo(Status.TRUSTED);
  }

  @Test
  void prodRejectsUnsigned() throws Exception {
    TrustResult r = prod().check(unsigned());
    assertThat(r.status()).isEqualTo(Status.REJECTED);
    assertThat(r.message())
        .isEqualTo(
            "manifest: integrity.signature: is missing: the manifest is not signed (expected: a"
                + " valid signature by a trusted key in trust mode prod)");
  }

  @Test
  void prodRejectsAnUntrustedKey() throws Exception {
    TrustResult r = new TrustPolicy(Mode.PROD, List.of(OTHER.getPublic())).check(signed());
    assertThat(r.status()).isEqualTo(Status.REJECTED);
    assertThat(r.message())
        .isEqualTo(
            "manifest: integrity.signature: is by key "
                + ID
                + ", which is not a trusted key (expected: a valid signature by a trusted key in"
                + " trust mode prod)");
  }

  @Test
  void prodRejectsATamperedManifest() throws Exception {
    TrustResult r = prod().check(tampered());
    assertThat(r.status()).isEqualTo(Status.REJECTED);
    assertThat(r.message())
        .contains("does not verify with trusted key " + ID)
        .contains("changed after it was signed");
  }

  @Test
  void devAcceptsUnsignedUntrustedAndTamperedWithAWarning() throws Exception {
    TrustResult unsigned = TrustPolicy.dev().check(unsigned());
    assertThat(unsigned.status()).isEqualTo(Status.ACCEPTED_UNTRUSTED);
    assertThat(unsigned.accepted()).isTrue();
    assertThat(unsigned.warning())
        .contains(
            "integrity.signature is missing: the manifest is not signed; accepted only because"
                + " the trust mode is dev");
    assertThat(TrustPolicy.dev().check(signed()).warning())
        .contains(
            "integrity.signature by key "
                + ID
                + " was not checked: no trusted keys are configured; accepted only because the"
                + " trust mode is dev");
    assertThat(new TrustPolicy(Mode.DEV, List.of(OTHER.getPublic())).check(signed()).warning())
        .hasValueSatisfying(w -> assertThat(w).contains("which is not a trusted key"));
    assertThat(dev().check(tampered()).warning())
        .hasValueSatisfying(w -> assertThat(w).contains("does not verify"));
  }
}
