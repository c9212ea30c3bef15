package aegis.envoy_test

import data.aegis.envoy

check_input(body) := {
	"attributes": {"request": {"http": {
		"method": "POST",
		"headers": {"content-type": "application/json"},
		"body": json.marshal(body),
	}}},
	"parsed_body": body,
	"truncated_body": false,
}

test_allowed_call_carries_the_decision if {
	body := {"event": {"event_type": "SESSION_START"}, "snapshot": {}, "manifest": {}}
	r := envoy.result with input as check_input(body)
	r.allowed == true
	json.unmarshal(r.headers["x-aegis-decision"]) == {"outcome": "allow", "reason": "OK", "constraints": {}}
}

test_undeclared_tool_is_denied_inside_an_allowed_answer if {
	body := {
		"event": {"event_type": "TOOL_CALL_PROPOSED", "payload": {"tool_name": "rm", "args": {}}},
		"snapshot": {},
		"manifest": {"permissions": {"tools": []}},
	}
	r := envoy.result with input as check_input(body)
	r.allowed == true
	d := json.unmarshal(r.headers["x-aegis-decision"])
	d.outcome == "deny"
	d.reason == "PERMISSION_UNDECLARED"
}

test_unparsed_body_is_read_from_the_request if {
	body := {"event": {"event_type": "SESSION_START"}}
	unparsed := object.remove(check_input(body), ["parsed_body"])
	r := envoy.result with input as unparsed
	json.unmarshal(r.headers["x-aegis-decision"]).reason == "OK"
}

test_truncated_body_gives_no_result if {
	truncated := object.union(check_input({}), {"truncated_body": true})
	not envoy.result with input as truncated
}
