package dev.aegis.guard.policy;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A compiled policy: the Wasm module {@code opa build -t wasm} produced, the bundle's data document
 * if it has one, and the digest sealed with every decision. Immutable.
 *
 * <p>The digest is the SHA-256 (lowercase hex) of the Wasm bytes; when the bundle carries a
 * non-empty {@code data.json}, of the Wasm bytes followed by the {@code data.json} bytes, since the
 * data changes the decisions too.
 */
public final class PolicyBundle {
  /** Where the default bundle (policies/aegis compiled at build time) sits on the classpath. */
  public static final String BUILT_IN_RESOURCE = "/dev/aegis/guard/policy/aegis-decide.wasm";

  private static final byte[] WASM_MAGIC = {0, 'a', 's', 'm'};
  private static final int GZIP_MAGIC_0 = 0x1f;
  private static final int GZIP_MAGIC_1 = 0x8b;

  private final String source;
  private final byte[] wasm;
  private final String data;
  private final String digest;

  private PolicyBundle(String source, byte[] wasm, String data) {
    this.source = source;
    this.wasm = wasm;
    this.data = data;
    this.digest = digest(wasm, data);
  }

  /** Reads a {@code .wasm} module or an OPA bundle ({@code .tar.gz} holding /policy.wasm). */
  public static PolicyBundle read(Path path) throws PolicyLoadException {
    requireNonNull(path, "path");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new PolicyLoadException(path + ": no such file");
    } catch (IOException e) {
      throw new PolicyLoadException(path + ": cannot read: " + e.getMessage(), e);
    }
    return of(bytes, path.toString());
  }

  /** The decide bundle built into this jar from {@code policies/aegis}. */
  public static PolicyBundle builtIn() throws PolicyLoadException {
    try (InputStream in = PolicyBundle.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
      if (in == null) {
        throw new PolicyLoadException(
            "the built-in policy "
                + BUILT_IN_RESOURCE
                + " is missing from the classpath (build policies/ first: policies/build/"
                + "aegis-decide.wasm)");
      }
      return of(in.readAllBytes(), "built-in " + BUILT_IN_RESOURCE.substring(1));
    } catch (IOException e) {
      throw new PolicyLoadException("cannot read the built-in policy: " + e.getMessage(), e);
    }
  }

  /**
   * A bundle from bytes: a Wasm module or a gzipped OPA bundle, told apart by their magic numbers;
   * {@code source} names it in messages.
   */
  public static PolicyBundle of(byte[] bytes, String source) throws PolicyLoadException {
    requireNonNull(bytes, "bytes");
    requireNonNull(source, "source");
    if (startsWith(bytes, WASM_MAGIC)) {
      return new PolicyBundle(source, bytes.clone(), null);
    }
    if (bytes.length >= 2
        && (bytes[0] & 0xff) == GZIP_MAGIC_0
        && (bytes[1] & 0xff) == GZIP_MAGIC_1) {
      OpaBundleArchive archive = OpaBundleArchive.read(bytes, source);
      if (!startsWith(archive.wasm(), WASM_MAGIC)) {
        throw new PolicyLoadException(source + ": /policy.wasm is not a Wasm module");
      }
      return new PolicyBundle(source, archive.wasm(), emptyToNull(archive.data()));
    }
    throw new PolicyLoadException(
        source
            + ": neither a Wasm module nor an OPA bundle (.tar.gz); build one with"
            + " `opa build -t wasm -e aegis/decide/decision …`");
  }

  /** Where the bundle came from (a path or the built-in resource), for messages. */
  public String source() {
    return source;
  }

  /** The Wasm module bytes (a copy). */
  public byte[] wasm() {
    return wasm.clone();
  }

  /** The bundle's data document as JSON text, or null when it has none (or only {@code {}}). */
  public String data() {
    return data;
  }

  /** SHA-256 (lowercase hex) of the Wasm module, and of the data document when there is one. */
  public String digest() {
    return digest;
  }

  /** Bytes shared with the engine without a copy; never modified. */
  byte[] wasmUnsafe() {
    return wasm;
  }

  @Override
  public String toString() {
    return "PolicyBundle[" + source + ", sha256=" + digest + "]";
  }

  private static String emptyToNull(String data) {
    if (data == null) {
      return null;
    }
    String compact = data.replaceAll("\\s", "");
    return compact.isEmpty() || compact.equals("{}") ? null : data;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static String digest(byte[] wasm, String data) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(wasm);
      if (data != null) {
        sha.update(data.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
