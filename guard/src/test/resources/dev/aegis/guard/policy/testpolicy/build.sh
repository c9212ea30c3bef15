#!/bin/sh
# Regenerates the test bundles with the real OPA (opa build -t wasm); run from this directory.
set -eu
opa="${OPA:-opa}"
"$opa" fmt --fail=false -w src needs-time needs-host >/dev/null
"$opa" build -t wasm -b src -o test-policy.tar.gz \
  -e aegis/decide/decision -e faults/garbage -e faults/undefined -e faults/slow \
  -e faults/greeting -e faults/echo
"$opa" build -t wasm -o needs-time.tar.gz -e aegis/decide/decision needs-time
"$opa" build -t wasm -o needs-host.tar.gz -e aegis/decide/decision needs-host
