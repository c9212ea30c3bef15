# Rule 5, TAINTED_TO_HIGH_RISK: a tainted call may not reach a high-risk sink unless its
# sanitizer_key names a sanitisation the session has recorded.
package aegis.decide

# The seed's eleven sinks, made exact, plus the patch/delete and plain-http variants it missed.
builtin_high_risk_tool("exec")

builtin_high_risk_tool("fs.write")

builtin_high_risk_tool("write_file")

builtin_high_risk_tool("db.write")

builtin_high_risk_tool("database.write")

builtin_high_risk_tool("net.post")

builtin_high_risk_tool("net.put")

builtin_high_risk_tool("net.patch")

builtin_high_risk_tool("net.delete")

builtin_high_risk_tool("mcp.https.post")

builtin_high_risk_tool("mcp.https.put")

builtin_high_risk_tool("mcp.https.patch")

builtin_high_risk_tool("mcp.https.delete")

builtin_high_risk_tool("mcp.http.post")

builtin_high_risk_tool("mcp.http.put")

builtin_high_risk_tool("mcp.http.patch")

builtin_high_risk_tool("mcp.http.delete")

high_risk if builtin_high_risk_tool(tool_name)

high_risk if tool_name in high_risk_tools

high_risk if exec_tool

high_risk if fs_write_tool

high_risk if annotations.destructiveHint == true

taint_ok if not high_risk

taint_ok if not object.get(snapshot, "is_tainted", false)

taint_ok if snapshot.is_tainted == null

taint_ok if {
	key := payload.sanitizer_key
	is_string(key)
	key != ""
	key in sanitized_keys
}
