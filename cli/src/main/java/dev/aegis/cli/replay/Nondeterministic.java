package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aegis.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a replay cannot reproduce by nature, and how it is compared (documented in docs/replay.md):
 *
 * <ul>
 *   <li>{@code latency_us} (POLICY_DECISION): the engine's wall-clock time. Excluded.
 *   <li>{@code expires_unix_ms} (approvals, refusals): computed from the wall clock when the token
 *       or request state was issued, before its event was sealed. Excluded.
 *   <li>approval tokens ({@code apv1-NONCE-MAC}, random nonce) and MRTR request states ({@code
 *       aegis1.BODY.MAC}, random nonce, the proxy's key), wherever they appear (payload fields,
 *       refusal texts): compared by shape, the value replaced by {@code <token>} / {@code <state>}.
 *   <li>{@code state_nonce}: random. Compared by shape (24 hex digits).
 *   <li>{@code key_id} / {@code signed} (CHECKPOINT_CREATED): which key signed the checkpoint is
 *       the operator's configuration, not the session's behaviour; a replay checkpoints at the
 *       recorded interval but signs nothing. Excluded.
 * </ul>
 *
 * Stateless and thread-safe.
 */
final class Nondeterministic {
  private static final Set<String> EXCLUDED =
      Set.of("latency_us", "expires_unix_ms", "key_id", "signed");
  private static final Pattern TOKEN = Pattern.compile("apv1-[0-9a-f]{24}-[0-9a-f]{32}");
  private static final Pattern STATE =
      Pattern.compile("aegis1\\.[A-Za-z0-9_=-]+\\.[A-Za-z0-9_=-]+");
  private static final Pattern NONCE = Pattern.compile("[0-9a-f]{24}");

  private Nondeterministic() {}

  /** A copy of {@code value} with the excluded fields removed and random values masked. */
  static JsonNode mask(JsonNode value) {
    if (value == null) {
      return null;
    }
    if (value.isObject()) {
      ObjectNode out = Json.object();
      List<String> names = new ArrayList<>();
      value.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (EXCLUDED.contains(name)) {
          continue;
        }
        JsonNode v = value.get(name);
        if ((name.equals("state_nonce") || name.equals("nonce"))
            && v.isTextual()
            && NONCE.matcher(v.asText()).matches()) {
          out.put(name, "<nonce>");
        } else {
          out.set(name, mask(v));
        }
      }
      return out;
    }
    if (value.isArray()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      value.forEach(v -> out.add(mask(v)));
      return out;
    }
    if (value.isTextual()) {
      String s = TOKEN.matcher(value.asText()).replaceAll("<token>");
      return TextNode.valueOf(STATE.matcher(s).replaceAll("<state>"));
    }
    return value;
  }
}
