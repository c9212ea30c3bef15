/**
 * The capability manifest ({@code aegis-manifest.json}, schema {@code aegis.dev/manifest/v0.1}):
 * its strict loader and validator, integrity of a server's files, Ed25519 signing and the trust
 * policy that decides whether a signature is required. Public API: {@link
 * dev.aegis.guard.manifest.Manifest} (an immutable record tree), {@link
 * dev.aegis.guard.manifest.ManifestLoader}, {@link dev.aegis.guard.manifest.ManifestIntegrity},
 * {@link dev.aegis.guard.manifest.ManifestKeys}, {@link dev.aegis.guard.manifest.ManifestSigner},
 * {@link dev.aegis.guard.manifest.TrustPolicy} and {@link dev.aegis.guard.manifest.ManifestWriter};
 * everything else is package-private. Every class here is stateless or immutable and thread-safe.
 */
package dev.aegis.guard.manifest;
