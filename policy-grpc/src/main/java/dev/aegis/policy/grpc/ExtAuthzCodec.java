package dev.aegis.policy.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.json.Json;
import dev.aegis.policy.grpc.proto.auth.AttributeContext;
import dev.aegis.policy.grpc.proto.auth.CheckRequest;
import dev.aegis.policy.grpc.proto.auth.CheckResponse;
import dev.aegis.policy.grpc.proto.core.HeaderValueOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decision input to Check request, Check answer to decision. The input travels as the JSON body of
 * an HTTP POST (so opa-envoy-plugin parses it into {@code input.parsed_body}); the adapter module
 * {@code policies/envoy/adapter.rego} answers "allowed" with the decision JSON in the {@link
 * #DECISION_HEADER} header. Any other answer is a POLICY_ERROR deny.
 */
final class ExtAuthzCodec {
  /** The header of an allowed Check answer that carries the decision as JSON. */
  static final String DECISION_HEADER = "x-aegis-decision";

  static final String PATH = "/aegis/decide";

  private ExtAuthzCodec() {}

  static CheckRequest encode(JsonNode input) {
    AttributeContext.HttpRequest http =
        AttributeContext.HttpRequest.newBuilder()
            .setMethod("POST")
            .setPath(PATH)
            .putHeaders("content-type", "application/json")
            .setBody(Json.write(input))
            .build();
    return CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http)))
        .build();
  }

  /**
   * The decision in an answer, or null when there is none: a status other than OK, no OK response,
   * no decision header or a header that is not JSON. A decision of the wrong shape becomes a
   * POLICY_ERROR deny in {@link Decision#fromJson}.
   */
  static Decision decode(CheckResponse response) {
    if (response.getStatus().getCode() != 0 || !response.hasOkResponse()) {
      return null;
    }
    String json = null;
    for (HeaderValueOption h : response.getOkResponse().getHeadersList()) {
      if (DECISION_HEADER.equalsIgnoreCase(h.getHeader().getKey())) {
        if (json != null) {
          return null; // two decisions: which one? neither
        }
        json =
            h.getHeader().getValue().isEmpty()
                ? h.getHeader().getRawValue().toString(StandardCharsets.UTF_8)
                : h.getHeader().getValue();
      }
    }
    if (json == null) {
      return null;
    }
    try {
      return Decision.fromJson(Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
