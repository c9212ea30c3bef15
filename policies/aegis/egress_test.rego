package aegis.decide_test

net_perms := {
	"tools": ["mcp.https", "mcp.https.post", "fetch", "netcat", "network_scan", "mcp.httpx", "my_http", "read_file"],
	"net": {"domains": ["api.example.com", "*.googleapis.com", "Upper.Example.ORG", "[::1]", "10.0.0.7"], "tools": ["my_http"]},
}

egress(tool, args) := reason(net_perms, tool, args)

test_listed_domain_allows if egress("mcp.https", {"domain": "api.example.com"}) == "OK"

test_unlisted_domain_denies if egress("mcp.https", {"domain": "competitor.example.com"}) == "EGRESS_DENY"

test_no_destination_denies if egress("mcp.https", {"body": "hello"}) == "EGRESS_DENY"

test_empty_domain_denies if egress("mcp.https", {"domain": ""}) == "EGRESS_DENY"

test_non_string_domain_denies if egress("mcp.https", {"domain": ["api.example.com"]}) == "EGRESS_DENY"

test_domain_is_case_insensitive if {
	egress("mcp.https", {"domain": "API.Example.COM"}) == "OK"
	egress("mcp.https", {"domain": "upper.example.org"}) == "OK"
}

test_wildcard_matches_subdomains if {
	egress("mcp.https", {"domain": "storage.googleapis.com"}) == "OK"
	egress("mcp.https", {"domain": "a.b.googleapis.com"}) == "OK"
}

test_wildcard_does_not_match_apex if egress("mcp.https", {"domain": "googleapis.com"}) == "EGRESS_DENY"

test_wildcard_does_not_match_suffix_without_dot if egress("mcp.https", {"domain": "evilgoogleapis.com"}) == "EGRESS_DENY"

test_star_without_dot_matches_nothing if {
	perms := {"tools": ["fetch"], "net": {"domains": ["*example.com", "*"]}}
	reason(perms, "fetch", {"domain": "example.com"}) == "EGRESS_DENY"
	reason(perms, "fetch", {"domain": "a.example.com"}) == "EGRESS_DENY"
	reason(perms, "fetch", {"domain": "xexample.com"}) == "EGRESS_DENY"
}

test_domain_with_url_characters_denies if egress("mcp.https", {"domain": "evil.com#.googleapis.com"}) == "EGRESS_DENY"

test_domain_with_trailing_dot_denies if egress("mcp.https", {"domain": "api.example.com."}) == "EGRESS_DENY"

test_url_host_allows if egress("fetch", {"url": "https://api.example.com/v1/x?q=1#f"}) == "OK"

test_url_host_denies if egress("fetch", {"url": "https://evil.com/api.example.com"}) == "EGRESS_DENY"

test_url_userinfo_is_stripped if {
	egress("fetch", {"url": "https://user:pw@api.example.com/x"}) == "OK"
	egress("fetch", {"url": "https://api.example.com@evil.com/x"}) == "EGRESS_DENY"
	egress("fetch", {"url": "https://a@b@api.example.com/"}) == "OK"
}

test_url_port_is_stripped if {
	egress("fetch", {"url": "https://api.example.com:8443/x"}) == "OK"
	egress("fetch", {"url": "http://api.example.com:/x"}) == "OK"
}

test_url_bad_port_denies if egress("fetch", {"url": "https://api.example.com:x443/"}) == "EGRESS_DENY"

test_url_is_case_insensitive if egress("fetch", {"url": "HTTPS://API.EXAMPLE.COM/Path"}) == "OK"

test_url_backslash_is_ambiguous if {
	egress("fetch", {"url": "https://evil.com\\@api.example.com/"}) == "EGRESS_DENY"
	egress("fetch", {"url": "https://api.example.com\\@evil.com/"}) == "EGRESS_DENY"
}

test_url_percent_encoded_host_denies if egress("fetch", {"url": "https://%61pi.example.com/"}) == "EGRESS_DENY"

test_url_without_scheme_denies if egress("fetch", {"url": "api.example.com/x"}) == "EGRESS_DENY"

test_url_protocol_relative_denies if egress("fetch", {"url": "//api.example.com/x"}) == "EGRESS_DENY"

test_url_without_host_denies if egress("fetch", {"url": "file:///etc/passwd"}) == "EGRESS_DENY"

test_url_other_scheme_has_no_host if {
	egress("fetch", {"url": "ftp://api.example.com/f"}) == "EGRESS_DENY"
	egress("fetch", {"url": "evil.com://api.example.com"}) == "EGRESS_DENY"
	egress("fetch", {"url": "api.example.com"}) == "EGRESS_DENY"
	egress("fetch", {"url": "WSS://api.example.com/s"}) == "OK"
}

test_url_userinfo_characters if {
	egress("fetch", {"url": "https://a%20b:p~w!@api.example.com/"}) == "OK"
	egress("fetch", {"url": "https://evil.com @api.example.com/"}) == "EGRESS_DENY"
	egress("fetch", {"url": "https://evil.com\t@api.example.com/"}) == "EGRESS_DENY"
}

test_url_malformed_ipv6 if {
	egress("fetch", {"url": "http://[::1/"}) == "EGRESS_DENY"
	egress("fetch", {"url": "http://[::1]x/"}) == "EGRESS_DENY"
	egress("fetch", {"url": "http://[::1]:80:80/"}) == "EGRESS_DENY"
	egress("fetch", {"url": "http://a:1:2/"}) == "EGRESS_DENY"
}

test_uri_and_endpoint_are_destinations if {
	egress("fetch", {"uri": "https://evil.com/"}) == "EGRESS_DENY"
	egress("fetch", {"endpoint": "https://evil.com/"}) == "EGRESS_DENY"
	egress("fetch", {"endpoint": "https://api.example.com/"}) == "OK"
}

test_non_string_url_denies if egress("fetch", {"url": {"host": "api.example.com"}}) == "EGRESS_DENY"

test_ipv4_and_ipv6_hosts if {
	egress("fetch", {"url": "http://10.0.0.7:8080/"}) == "OK"
	egress("fetch", {"url": "http://[::1]:8080/"}) == "OK"
	egress("fetch", {"url": "http://[::2]/"}) == "EGRESS_DENY"
	egress("fetch", {"url": "http://169.254.169.254/latest"}) == "EGRESS_DENY"
}

test_every_destination_must_be_allowed if {
	egress("fetch", {"domain": "api.example.com", "url": "https://evil.com/"}) == "EGRESS_DENY"
	egress("fetch", {"url": "https://api.example.com/", "callback": "https://evil.com/hook"}) == "EGRESS_DENY"
	egress("fetch", {"url": "https://api.example.com/", "mirrors": ["https://x.googleapis.com", "https://evil.com"]}) == "EGRESS_DENY"
	egress("fetch", {"url": "https://api.example.com/", "mirrors": ["https://x.googleapis.com"], "n": 3}) == "OK"
}

test_url_like_top_level_strings_are_destinations if {
	egress("fetch", {"target": "https://evil.com/"}) == "EGRESS_DENY"
	egress("fetch", {"target": "  WSS://evil.com/"}) == "EGRESS_DENY"
	egress("fetch", {"target": "https://api.example.com/"}) == "OK"
}

test_text_mentioning_a_url_is_not_a_destination if {
	egress("fetch", {"url": "https://api.example.com/", "note": "see https://evil.com"}) == "OK"
}

test_netcat_is_not_a_network_tool if egress("netcat", {"host": "evil.com"}) == "OK"

test_network_scan_is_not_a_network_tool if egress("network_scan", {}) == "OK"

test_mcp_httpx_is_not_a_network_tool if egress("mcp.httpx", {}) == "OK"

test_declared_network_tool_is_checked if {
	egress("my_http", {"url": "https://evil.com/"}) == "EGRESS_DENY"
	egress("my_http", {"url": "https://api.example.com/"}) == "OK"
	egress("my_http", {}) == "EGRESS_DENY"
}

test_no_domains_denies_every_destination if reason({"tools": ["fetch"]}, "fetch", {"url": "https://api.example.com/"}) == "EGRESS_DENY"

test_builtin_network_tools if {
	every tool in ["mcp.http", "mcp.https.get", "mcp.https.delete", "net.get", "net.post", "http_request", "http_get", "http_post", "web_fetch"] {
		reason({"tools": [tool]}, tool, {"domain": "evil.com"}) == "EGRESS_DENY"
	}
}

test_egress_wins_over_budget if {
	decide_full(net_perms, proposal("fetch", {"url": "https://evil.com"}), {"steps_consumed": 99}).reason == "EGRESS_DENY"
}

test_egress_wins_over_taint if {
	decide_full(net_perms, proposal("mcp.https.post", {"url": "https://evil.com"}), {"is_tainted": true}).reason == "EGRESS_DENY"
}
