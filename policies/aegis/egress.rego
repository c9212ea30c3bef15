# Rule 2, EGRESS_DENY: a network tool may reach only the domains in permissions.net.domains.
# Network tools are named exactly (declared or built in); never matched by prefix.
package aegis.decide

builtin_network_tool("mcp.http")

builtin_network_tool("mcp.http.get")

builtin_network_tool("mcp.http.post")

builtin_network_tool("mcp.http.put")

builtin_network_tool("mcp.http.patch")

builtin_network_tool("mcp.http.delete")

builtin_network_tool("mcp.https")

builtin_network_tool("mcp.https.get")

builtin_network_tool("mcp.https.post")

builtin_network_tool("mcp.https.put")

builtin_network_tool("mcp.https.patch")

builtin_network_tool("mcp.https.delete")

builtin_network_tool("net.get")

builtin_network_tool("net.post")

builtin_network_tool("net.put")

builtin_network_tool("net.patch")

builtin_network_tool("net.delete")

builtin_network_tool("fetch")

builtin_network_tool("http_request")

builtin_network_tool("http_get")

builtin_network_tool("http_post")

builtin_network_tool("web_fetch")

network_tool if builtin_network_tool(tool_name)

network_tool if tool_name in net_tools

egress_ok if not network_tool

egress_ok if {
	network_tool
	count(destinations) > 0
	every destination in destinations {
		domain_allowed(destination_host(destination))
	}
}

# Where a network call may go: args.domain, the URL arguments, and every top-level string (or
# string in a top-level array) that starts with an http(s) or ws(s) scheme.
destinations contains {"kind": "domain", "value": arguments.domain} if arguments.domain != null

destinations contains {"kind": "url", "value": arguments[name]} if {
	some name in ["url", "uri", "endpoint"]
	arguments[name] != null
}

destinations contains {"kind": "url", "value": value} if {
	some value in arguments
	url_like(value)
}

destinations contains {"kind": "url", "value": value} if {
	some list in arguments
	is_array(list)
	some value in list
	url_like(value)
}

url_like(value) if {
	is_string(value)
	text := lower(trim_left(value, " \t\n\f\r"))
	some prefix in ["http://", "https://", "ws://", "wss://"]
	startswith(text, prefix)
}

# The lowercase host a destination names; undefined (so denied) when it names none cleanly.
destination_host(destination) := host if {
	destination.kind == "domain"
	is_string(destination.value)
	host := lower(destination.value)
	valid_host(host)
}

destination_host(destination) := url_host(destination.value) if {
	destination.kind == "url"
	is_string(destination.value)
}

# The host of scheme://[userinfo@]host[:port][/?#...] for the schemes http, https, ws and wss;
# any other scheme has no host here, so "evil.com://api.example.com" cannot pass. The authority
# ends at the first "/", "?" or "#", userinfo ends at the last "@", and the port is digits.
# Userinfo with characters outside RFC 3986 (a backslash, space or control character, which URL
# parsers read differently) leaves the URL without a host. Written with string built-ins, not
# regex: this runs on every network call, and regexes are costly in the Wasm build.
url_host(url) := host if {
	contains(url, "://")
	scheme := split(url, "://")[0]
	valid_scheme(lower(scheme))
	rest := substring(url, count(scheme) + 3, -1)
	authority := split(split(split(rest, "/")[0], "?")[0], "#")[0]
	parts := split(authority, "@")
	userinfo := concat("@", array.slice(parts, 0, count(parts) - 1))
	only_chars(userinfo, userinfo_chars)
	host := host_of(lower(parts[count(parts) - 1]))
	valid_host(host)
}

valid_scheme(scheme) if scheme in {"http", "https", "ws", "wss"}

userinfo_chars := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:%@"

# host[:port] without the port; undefined when the port is not digits.
host_of(host_port) := substring(host_port, 0, indexof(host_port, "]") + 1) if {
	startswith(host_port, "[")
	port_ok(substring(host_port, indexof(host_port, "]") + 1, -1))
} else := split(host_port, ":")[0] if {
	count(split(host_port, ":")) <= 2
	port_ok(substring(host_port, count(split(host_port, ":")[0]), -1))
}

port_ok("")

port_ok(port) if {
	startswith(port, ":")
	only_chars(port, ":0123456789")
	not contains(substring(port, 1, -1), ":")
}

# Every character of text is in chars (true for "").
only_chars(text, chars) if trim(text, chars) == ""

# A DNS name of non-empty labels (letters, digits, "-", "_"), an IPv4 address, or a bracketed
# IPv6 literal. Percent-escapes, non-ASCII and a trailing dot are not hosts here.
valid_host(host) if {
	host != ""
	only_chars(host, "abcdefghijklmnopqrstuvwxyz0123456789-_.")
	not startswith(host, ".")
	not endswith(host, ".")
	not contains(host, "..")
}

valid_host(host) if {
	startswith(host, "[")
	endswith(host, "]")
	count(host) > 2
	only_chars(host, "[]0123456789abcdef:.")
	count(split(host, "[")) == 2
	count(split(host, "]")) == 2
}

domain_allowed(host) if {
	some entry in net_domains
	domain_matches(lower(entry), host)
}

# Exact, or "*.suffix" for any subdomain of suffix (not suffix itself). Any other entry that
# starts with "*" matches nothing.
domain_matches(entry, host) if {
	not startswith(entry, "*")
	entry == host
}

domain_matches(entry, host) if {
	startswith(entry, "*.")
	endswith(host, trim_prefix(entry, "*"))
}
