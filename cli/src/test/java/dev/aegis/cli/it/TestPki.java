package dev.aegis.cli.it;

import dev.aegis.transport.http.TlsFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI made with the openssl command: a CA, a server certificate for 127.0.0.1 and
 * localhost, and a client certificate, all signed by the CA (EC P-256, PKCS#8 keys).
 */
final class TestPki {
  final Path caCert;
  final Path serverCert;
  final Path serverKey;
  final Path clientCert;
  final Path clientKey;

  private TestPki(Path dir) {
    caCert = dir.resolve("ca.pem");
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client.key");
  }

  /** Generates the CA and both certificates in {@code dir}. */
  static TestPki create(Path dir) throws Exception {
    TestPki p = new TestPki(dir);
    Path caKey = dir.resolve("ca.key");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        caKey.toString(),
        "-out",
        p.caCert.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=aegis-test-ca");
    Path ext = dir.resolve("server.ext");
    Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    p.issue(dir, caKey, "server", p.serverCert, p.serverKey, ext);
    Path clientExt = dir.resolve("client.ext");
    Files.writeString(clientExt, "extendedKeyUsage=clientAuth\n");
    p.issue(dir, caKey, "client", p.clientCert, p.clientKey, clientExt);
    return p;
  }

  private void issue(Path dir, Path caKey, String cn, Path cert, Path key, Path ext)
      throws Exception {
    Path csr = dir.resolve(cn + ".csr");
    openssl(
        dir,
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=" + cn);
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        caCert.toString(),
        "-CAkey",
        caKey.toString(),
        "-CAcreateserial",
        "-out",
        cert.toString(),
        "-days",
        "2",
        "-extfile",
        ext.toString());
  }

  /** A client context that presents the client certificate and trusts the CA. */
  SSLContext clientWithCertificate() throws IOException {
    // the same PEM loading as the listeners: key and chain for our side, the CA as trust anchor
    return new TlsFiles(clientCert, clientKey, caCert).serverContext();
  }

  /** A client context that trusts the CA but has no certificate of its own. */
  SSLContext clientWithoutCertificate() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caCert))));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IOException(
          "openssl " + args[0] + " failed:\n" + Files.readString(dir.resolve("openssl.log")));
    }
  }
}
