# Adapter for the OPA sidecar (opa-envoy-plugin, Envoy ext_authz v3): the Java engine sends the
# decision input {event, snapshot, manifest} as the JSON body of a Check request; this module
# evaluates the decide bundle on that body and returns the decision, JSON-encoded, in the
# `x-aegis-decision` header of an allowed Check answer. The answer is always "allowed" at the
# ext_authz level: the verdict is the decision inside, which the Java side parses and checks.
# The plugin's `path` is aegis/envoy/result.
package aegis.envoy

# The decision input: the parsed JSON body, or the raw body when the plugin did not parse it.
# A truncated body is never decided (no result: the Java side fails closed).
decide_input := input.parsed_body if {
	not input.truncated_body
	"parsed_body" in object.keys(input)
} else := json.unmarshal(input.attributes.request.http.body) if {
	not input.truncated_body
}

result := {
	"allowed": true,
	"headers": {"x-aegis-decision": json.marshal(decision)},
} if {
	decision := data.aegis.decide.decision with input as decide_input
}
