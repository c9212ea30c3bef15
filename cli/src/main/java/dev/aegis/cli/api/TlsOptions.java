package dev.aegis.cli.api;

import picocli.CommandLine.Option;

/**
 * The {@code --tls-cert}, {@code --tls-key} and {@code --tls-client-ca} flags of a listener (a
 * picocli mixin shared by aegisd and the aegis-proxy gateway); raw values, checked by {@link
 * TlsFlags}.
 */
public final class TlsOptions {
  /** {@code --tls-cert}: the PEM certificate chain, or null. */
  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Serve HTTPS with this certificate chain (needs --tls-key).")
  public String cert;

  /** {@code --tls-key}: the PKCS#8 PEM private key, or null. */
  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "PKCS#8 private key of --tls-cert.")
  public String key;

  /** {@code --tls-client-ca}: the PEM CA certificates for client certificates, or null. */
  @Option(
      names = "--tls-client-ca",
      paramLabel = "PEM",
      description = "Require a client certificate issued by these CAs (mutual TLS).")
  public String clientCa;
}
