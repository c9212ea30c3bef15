# Entrypoints that misbehave, for the engine's fail-closed tests.
package faults

# Not a decision: an outcome the guard does not know, a number for a reason.
garbage := {"outcome": "maybe", "reason": 42}

# Never defined: the result set is empty.
undefined if input.never == "set"

r := numbers.range(1, 1000)

# Spins for about a billion steps when input.spin is true, else answers at once.
slow := {"outcome": "allow", "reason": "FINISHED", "constraints": {"spun": n}} if {
	n := count([1 | input.spin; some a in r; some b in r; some c in r; (a + b) + c < 0])
}

# A decision whose reason comes from the bundle's data.json.
greeting := {"outcome": "deny", "reason": data.faults.config.greeting, "constraints": {}}

# Echoes a reason from the input: non-ASCII text must survive the trip.
echo := {"outcome": "deny", "reason": input.reason, "constraints": {}}
