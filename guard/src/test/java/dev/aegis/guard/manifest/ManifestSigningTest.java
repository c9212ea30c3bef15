package dev.aegis.guard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestSigningTest {
  private static final KeyPair KEY = ManifestKeys.generate();
  private static final KeyPair OTHER = ManifestKeys.generate();

  @TempDir Path dir;

  private static byte[] signedBytes() {
    ObjectNode signed = ManifestSigner.sign(Manifests.tree(Manifests.MINIMAL), KEY.getPrivate());
    return ManifestWriter.write(signed);
  }

  @Test
  void signedManifestVerifiesWithItsKeyOnly() throws Exception {
    Manifest m = ManifestLoader.parse(signedBytes());
    Manifest.Signature sig = m.integrity().signature().orElseThrow();
    assertThat(sig.alg()).isEqualTo("ed25519");
    assertThat(sig.keyId()).isEqualTo(ManifestKeys.keyId(KEY.getPublic())).matches("[0-9a-f]{16}");
    assertThat(Base64.getDecoder().decode(sig.value())).hasSize(64);
    assertThat(ManifestSigner.verify(m, KEY.getPublic())).isTrue();
    assertThat(ManifestSigner.verify(m, OTHER.getPublic())).isFalse();
  }

  @Test
  void signatureCoversTheCanonicalManifestWithoutTheSignature() throws Exception {
    Manifest m = ManifestLoader.parse(signedBytes());
    byte[] covered = ManifestSigner.signedBytes(m.json());
    assertThat(new String(covered, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"name\":\"notes\",\"permissions\":{\"tools\":[\"search_notes\",\"read_note\"]},"
                + "\"publisher\":\"acme\",\"schema\":\"aegis.dev/manifest/v0.1\","
                + "\"version\":\"1.0.0\"}");
    java.security.Signature v = java.security.Signature.getInstance("Ed25519");
    v.initVerify(KEY.getPublic());
    v.update(covered);
    assertThat(
            v.verify(Base64.getDecoder().decode(m.integrity().signature().orElseThrow().value())))
        .isTrue();
  }

  @Test
  void reformattingAndReorderingKeepTheSignatureValid() throws Exception {
    Manifest m = ManifestLoader.parse(signedBytes());
    ObjectNode json = m.json();
    ObjectNode reordered = Json.object();
    reordered.set("integrity", json.get("integrity"));
    reordered.set("publisher", json.get("publisher"));
    json.properties().forEach(e -> reordered.set(e.getKey(), e.getValue()));
    Manifest compact = ManifestLoader.parse(Json.write(reordered).getBytes(StandardCharsets.UTF_8));
    assertThat(ManifestSigner.verify(compact, KEY.getPublic())).isTrue();
  }

  @Test
  void changingAnyOneByteOfContentBreaksTheSignature() throws Exception {
    byte[] bytes = signedBytes();
    String text = new String(bytes, StandardCharsets.UTF_8);
    int signatureStart = text.indexOf("\"signature\"");
    int changed = 0;
    for (int i = 0; i < signatureStart; i++) {
      if (!Character.isLetterOrDigit(bytes[i])) {
        continue;
      }
      byte[] copy = bytes.clone();
      copy[i] = (byte) (copy[i] == 'a' ? 'b' : 'a');
      Manifest m;
      try {
        m = ManifestLoader.parse(copy);
      } catch (ManifestException invalid) {
        continue; // e.g. a key renamed to an unknown key: rejected before signatures matter
      }
      assertThat(ManifestSigner.verify(m, KEY.getPublic())).as("byte %d changed", i).isFalse();
      changed++;
    }
    assertThat(changed).isGreaterThan(20);
  }

  @Test
  void changedSignatureOrKeyIdBreaksVerification() throws Exception {
    Manifest m = ManifestLoader.parse(signedBytes());
    ObjectNode json = m.json();
    ObjectNode sig = (ObjectNode) json.path("integrity").path("signature");
    byte[] value = Base64.getDecoder().decode(sig.get("value").asText());
    value[10] ^= 1;
    sig.put("value", Base64.getEncoder().encodeToString(value));
    assertThat(ManifestSigner.verify(Manifests.parse(json), KEY.getPublic())).isFalse();
  }

  @Test
  void resigningReplacesTheSignatureAndIsStable() throws Exception {
    byte[] once = signedBytes();
    ObjectNode again = ManifestSigner.sign(ManifestLoader.parse(once).json(), KEY.getPrivate());
    // Ed25519 is deterministic: same key, same content, same bytes.
    assertThat(ManifestWriter.write(again)).isEqualTo(once);
    ObjectNode other = ManifestSigner.sign(ManifestLoader.parse(once).json(), OTHER.getPrivate());
    Manifest m = Manifests.parse(other);
    assertThat(ManifestSigner.verify(m, OTHER.getPublic())).isTrue();
    assertThat(ManifestSigner.verify(m, KEY.getPublic())).isFalse();
  }

  @Test
  void pemFilesRoundTrip() throws Exception {
    Path priv = dir.resolve("k.key");
    Path pub = dir.resolve("k.pub");
    Files.writeString(priv, ManifestKeys.privatePem(KEY.getPrivate()));
    Files.writeString(pub, ManifestKeys.publicPem(KEY.getPublic()));
    assertThat(Files.readString(priv)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n");
    assertThat(ManifestKeys.readPrivate(priv).getEncoded())
        .isEqualTo(KEY.getPrivate().getEncoded());
    PublicKey read = ManifestKeys.readPublic(pub);
    assertThat(read.getEncoded()).isEqualTo(KEY.getPublic().getEncoded());
    assertThat(ManifestKeys.keyId(read)).isEqualTo(ManifestKeys.keyId(KEY.getPublic()));
  }

  @Test
  void publicKeyIsDerivedFromThePrivateKey() {
    for (int i = 0; i < 5; i++) {
      KeyPair k = ManifestKeys.generate();
      assertThat(ManifestKeys.publicKeyOf(k.getPrivate()).getEncoded())
          .isEqualTo(k.getPublic().getEncoded());
    }
  }

  @Test
  void wrongKeyFilesAreIoErrors() throws Exception {
    Path pub = dir.resolve("k.pub");
    Files.writeString(pub, ManifestKeys.publicPem(KEY.getPublic()));
    assertThatThrownBy(() -> ManifestKeys.readPrivate(pub))
        .isInstanceOf(IOException.class)
        .hasMessage(pub + ": not a PEM file with a PRIVATE KEY");
    Path rsa = dir.resolve("rsa.pub");
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    Files.writeString(rsa, ManifestKeys.publicPem(g.generateKeyPair().getPublic()));
    assertThatThrownBy(() -> ManifestKeys.readPublic(rsa))
        .isInstanceOf(IOException.class)
        .hasMessage(rsa + ": not an Ed25519 public key");
    Path junk = dir.resolve("junk");
    Files.writeString(junk, "hello");
    assertThatThrownBy(() -> ManifestKeys.readPublic(junk)).isInstanceOf(IOException.class);
  }

  @Test
  void opensslKeysWork() throws Exception {
    assumeTrue(run("openssl", "version") == 0, "openssl not installed");
    Path priv = dir.resolve("o.key");
    Path pub = dir.resolve("o.pub");
    assertThat(run("openssl", "genpkey", "-algorithm", "ed25519", "-out", priv.toString()))
        .isZero();
    assertThat(run("openssl", "pkey", "-in", priv.toString(), "-pubout", "-out", pub.toString()))
        .isZero();
    ObjectNode signed =
        ManifestSigner.sign(Manifests.tree(Manifests.MINIMAL), ManifestKeys.readPrivate(priv));
    Manifest m = Manifests.parse(signed);
    assertThat(ManifestSigner.verify(m, ManifestKeys.readPublic(pub))).isTrue();
    // And openssl verifies our signature over the documented bytes.
    Path data = dir.resolve("data");
    Path sig = dir.resolve("sig");
    Files.write(data, ManifestSigner.signedBytes(m.json()));
    Files.write(sig, Base64.getDecoder().decode(m.integrity().signature().orElseThrow().value()));
    assertThat(
            run(
                "openssl",
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                pub.toString(),
                "-rawin",
                "-in",
                data.toString(),
                "-sigfile",
                sig.toString()))
        .isZero();
  }

  private static int run(String... cmd) throws Exception {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (IOException notInstalled) {
      return -1;
    }
  }
}
