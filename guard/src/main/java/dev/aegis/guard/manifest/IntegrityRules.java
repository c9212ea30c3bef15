package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.event.Hex;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Load-time rules for {@code integrity}: clean relative paths, SHA-256 formats, a tree hash that
 * matches the declared files, and a well-formed signature. The files themselves are checked by
 * {@link ManifestIntegrity#verify}, the signature by {@link TrustPolicy}.
 */
final class IntegrityRules {
  static final String SHA256_EXPECTED = "64 lowercase hex digits";
  static final String KEY_ID_EXPECTED = "16 lowercase hex digits";

  private static final String TREE = "integrity.tree_sha256";

  private IntegrityRules() {}

  static void check(ManifestTree t) {
    Problems p = t.problems();
    JsonNode files = t.get("integrity.files");
    Map<String, String> usable = new TreeMap<>();
    boolean allUsable = true;
    if (files != null) {
      for (Map.Entry<String, JsonNode> e : files.properties()) {
        String field = ManifestIntegrity.fileField(e.getKey());
        if (p.isBroken(field)) {
          allUsable = false;
          continue;
        }
        String bad = ManifestIntegrity.relPathProblem(e.getKey()).orElse(null);
        String sha = e.getValue().textValue();
        if (bad != null) {
          p.add(field, bad, ManifestIntegrity.RELPATH_EXPECTED);
          allUsable = false;
        } else if (!Hex.isSha256(sha)) {
          p.add(field, Problems.quote(sha) + " is not a SHA-256", SHA256_EXPECTED);
          allUsable = false;
        } else {
          usable.put(e.getKey(), sha);
        }
      }
    }
    String tree = t.text("integrity.tree_sha256").orElse(null);
    if (tree != null && !Hex.isSha256(tree)) {
      p.add("integrity.tree_sha256", Problems.quote(tree) + " is not a SHA-256", SHA256_EXPECTED);
    } else if (tree == null && files != null && !files.isEmpty() && !t.declared(TREE)) {
      p.add(
          "integrity.tree_sha256",
          "missing while integrity.files lists files",
          "both, as aegisctl manifest sign --dir writes them");
    } else if (tree != null && files == null && !t.declared("integrity.files")) {
      p.add(
          "integrity.files",
          "missing while integrity.tree_sha256 is declared",
          "both, as aegisctl manifest sign --dir writes them");
    } else if (tree != null && files != null && allUsable) {
      String computed = ManifestIntegrity.treeHash(usable);
      if (!computed.equals(tree)) {
        p.add(
            "integrity.tree_sha256",
            "does not match integrity.files, whose tree hash is " + computed,
            "the tree hash of the declared files");
      }
    }
    signature(t);
  }

  private static void signature(ManifestTree t) {
    Problems p = t.problems();
    if (t.get("integrity.signature") == null) {
      return;
    }
    String base = "integrity.signature.";
    t.text(base + "alg")
        .filter(a -> !a.equals(Manifest.Signature.ED25519))
        .ifPresent(
            a -> p.add(base + "alg", Problems.quote(a) + " is not supported", "\"ed25519\""));
    t.text(base + "key_id")
        .filter(k -> !k.matches("[0-9a-f]{16}"))
        .ifPresent(
            k -> p.add(base + "key_id", Problems.quote(k) + " is not a key id", KEY_ID_EXPECTED));
    t.text(base + "value")
        .filter(v -> decodedLength(v) != 64)
        .ifPresent(
            v -> p.add(base + "value", "is not a base64 Ed25519 signature", "base64 of 64 bytes"));
    for (String[] k :
        new String[][] {
          {"alg", "\"ed25519\""}, {"key_id", KEY_ID_EXPECTED}, {"value", "base64 of 64 bytes"}
        }) {
      if (!t.declared(base + k[0])) {
        p.add(base + k[0], "missing", k[1]);
      }
    }
  }

  private static int decodedLength(String base64) {
    try {
      return Base64.getDecoder().decode(base64).length;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }
}
