# A policy calling sprintf, which OPA's Wasm does not implement itself: the host (opa-java-wasm)
# must provide it.
package aegis.decide

decision := {"outcome": "deny", "reason": sprintf("ITEMS_%d", [count(input.items)]), "constraints": {}}
