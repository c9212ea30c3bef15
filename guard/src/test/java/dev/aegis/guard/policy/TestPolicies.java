package dev.aegis.guard.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The test policy ({@code testpolicy/src}, compiled by the real {@code opa build -t wasm} into
 * {@code testpolicy/test-policy.tar.gz} with {@code testpolicy/build.sh}) and its decision cases.
 */
final class TestPolicies {
  private static final String DIR = "/dev/aegis/guard/policy/";

  private TestPolicies() {}

  /** The gzipped OPA bundle's bytes. */
  static byte[] bundleBytes() {
    return resource("test-policy.tar.gz");
  }

  /** The bytes of a file under {@code testpolicy/} on the test classpath. */
  static byte[] resource(String name) {
    try (InputStream in = TestPolicies.class.getResourceAsStream(DIR + "testpolicy/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from the test classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test policy as a bundle. */
  static PolicyBundle bundle() throws PolicyLoadException {
    return PolicyBundle.of(bundleBytes(), "test-policy.tar.gz");
  }

  /** The test policy's Wasm module alone, without its data. */
  static byte[] wasm() throws PolicyLoadException {
    return bundle().wasm();
  }

  /** The directory of the test policy's decision cases. */
  static Path casesDirectory() {
    try {
      return Path.of(TestPolicies.class.getResource(DIR + "cases").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
