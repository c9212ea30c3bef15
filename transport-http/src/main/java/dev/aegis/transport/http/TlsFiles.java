package dev.aegis.transport.http;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The PEM files of a TLS listener: the certificate chain, its private key (PKCS#8, {@code BEGIN
 * PRIVATE KEY}; RSA, EC or Ed25519) and, for mutual TLS, the CA certificates a client certificate
 * must chain to (null: no client certificate asked for). Immutable; {@link #serverContext} reads
 * the files each time it is called and fails with {@link IOException} naming the file.
 *
 * @param cert PEM certificate chain, leaf first
 * @param key PEM PKCS#8 private key of the leaf
 * @param clientCa PEM CA certificates for client certificates, or null
 */
public record TlsFiles(Path cert, Path key, Path clientCa) {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final char[] NO_PASSWORD = new char[0];

  /** Requires the certificate and the key. */
  public TlsFiles {
    requireNonNull(cert, "cert");
    requireNonNull(key, "key");
  }

  /** True when a client certificate is required (mutual TLS). */
  public boolean mutual() {
    return clientCa != null;
  }

  /** A TLS server context over these files (TLS 1.2 and 1.3, the JDK's defaults otherwise). */
  public SSLContext serverContext() throws IOException {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      List<Certificate> chain = certificates(cert);
      keys.setKeyEntry("server", privateKey(key), NO_PASSWORD, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, NO_PASSWORD);
      TrustManagerFactory tmf = null;
      if (clientCa != null) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certificates(clientCa)) {
          trust.setCertificateEntry("ca" + i++, c);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup failed: " + e.getMessage(), e);
    }
  }

  /** The certificates of a PEM file; {@link IOException} naming it when there is none. */
  static List<Certificate> certificates(Path file) throws IOException {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<Certificate> out =
          List.copyOf(cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))));
      if (out.isEmpty()) {
        throw new IOException(file + ": no PEM certificate");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": not a PEM certificate (" + e.getMessage() + ")", e);
    }
  }

  private static PrivateKey privateKey(Path file) throws IOException {
    Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
    while (m.find()) {
      if (!m.group(1).equals("PRIVATE KEY")) {
        continue;
      }
      PKCS8EncodedKeySpec spec =
          new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(2)));
      for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException e) {
          // not this algorithm; try the next
        }
      }
      throw new IOException(file + ": unsupported private key algorithm");
    }
    throw new IOException(
        file
            + ": no PKCS#8 PEM private key (expected: BEGIN PRIVATE KEY; convert with openssl"
            + " pkcs8 -topk8 -nocrypt)");
  }
}
