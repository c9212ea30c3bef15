package dev.aegis.guard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading bundles: Wasm or OPA bundle, digests, and clear errors at load time, not at decide. */
class PolicyBundleTest {
  @TempDir Path dir;

  @Test
  void aWasmFileAndTheBundleHoldingItShareTheModule() throws Exception {
    byte[] wasm = TestPolicies.wasm();
    Path file = dir.resolve("policy.wasm");
    Files.write(file, wasm);
    PolicyBundle bundle = PolicyBundle.read(file);
    assertThat(bundle.wasm()).isEqualTo(wasm);
    assertThat(bundle.data()).isNull();
    assertThat(bundle.digest())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wasm)));
    assertThat(bundle.source()).isEqualTo(file.toString());
  }

  @Test
  void aBundlesDataDocumentIsPartOfItsDigest() throws Exception {
    PolicyBundle bundle = TestPolicies.bundle();
    assertThat(bundle.data()).contains("hello from data.json");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(bundle.wasm());
    sha.update(bundle.data().getBytes(StandardCharsets.UTF_8));
    assertThat(bundle.digest()).isEqualTo(HexFormat.of().formatHex(sha.digest()));
  }

  @Test
  void aMissingFileIsALoadError() {
    assertThatThrownBy(() -> WasmPolicyEngine.load(dir.resolve("nope.wasm")))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("nope.wasm: no such file");
  }

  @Test
  void aFileThatIsNeitherWasmNorABundleIsALoadError() throws Exception {
    Path file = Files.writeString(dir.resolve("policy.rego"), "package aegis.decide\n");
    assertThatThrownBy(() -> WasmPolicyEngine.load(file))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("neither a Wasm module nor an OPA bundle");
  }

  @Test
  void aTruncatedWasmModuleIsALoadError() throws Exception {
    byte[] wasm = TestPolicies.wasm();
    Path file = Files.write(dir.resolve("cut.wasm"), Arrays.copyOf(wasm, wasm.length / 2));
    assertThatThrownBy(() -> WasmPolicyEngine.load(file))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("cut.wasm: not a loadable OPA Wasm policy");
  }

  @Test
  void aWasmModuleWithGarbageAfterTheHeaderIsALoadError() throws Exception {
    byte[] bytes = new byte[4096];
    System.arraycopy(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}, 0, bytes, 0, 8);
    Arrays.fill(bytes, 8, bytes.length, (byte) 0x7f);
    Path file = Files.write(dir.resolve("garbage.wasm"), bytes);
    assertThatThrownBy(() -> WasmPolicyEngine.load(file))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("garbage.wasm: not a loadable OPA Wasm policy");
  }

  @Test
  void aBundleWithoutPolicyWasmIsALoadError() throws Exception {
    Path file = Files.write(dir.resolve("empty.tar.gz"), gzip(new byte[1024]));
    assertThatThrownBy(() -> WasmPolicyEngine.load(file))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("no /policy.wasm in the bundle");
  }

  @Test
  void aCorruptGzipIsALoadError() throws Exception {
    byte[] gz = TestPolicies.bundleBytes();
    Path file = Files.write(dir.resolve("cut.tar.gz"), Arrays.copyOf(gz, gz.length / 3));
    assertThatThrownBy(() -> WasmPolicyEngine.load(file))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("cut.tar.gz: not a readable OPA bundle");
  }

  @Test
  void aPolicyWithoutTheDecideEntrypointIsALoadErrorNamingWhatItHas() throws Exception {
    assertThatThrownBy(
            () ->
                WasmPolicyEngine.load(
                    TestPolicies.bundle(),
                    WasmEngineConfig.defaults().withEntrypoint("aegis/decide/verdict")))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("no entrypoint aegis/decide/verdict")
        .hasMessageContaining("aegis/decide/decision")
        .hasMessageContaining("opa build -t wasm -e aegis/decide/verdict");
  }

  @Test
  void aPolicyNeedingBuiltinsTheEngineLacksIsALoadError() throws Exception {
    byte[] bytes;
    try (var in =
        getClass().getResourceAsStream("/dev/aegis/guard/policy/testpolicy/needs-time.tar.gz")) {
      bytes = in.readAllBytes();
    }
    Path file = Files.write(dir.resolve("needs-time.tar.gz"), bytes);
    assertThatThrownBy(() -> WasmPolicyEngine.load(file))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("does not provide: time.now_ns");
  }

  private static byte[] gzip(byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }
}
