#!/usr/bin/env bash
# Checks the decide bundle with the real OPA: formatting, strict compile, unit tests, every YAML
# decision case through `opa eval`, and that the committed Wasm matches the Rego sources. Run by
# .ci/run before the Maven tests; exits non-zero with a message naming the failed step.
# Usage: policies/check.sh
set -euo pipefail
cd "$(dirname "$0")"
. ./opa-env.sh

step() { printf '\n-- policies: %s\n' "$*" >&2; }
fail() { printf '\npolicies/check.sh FAILED: %s\n' "$*" >&2; exit 1; }

step "opa fmt"
unformatted=$(opa fmt --list .)
[ -z "$unformatted" ] || fail "not formatted by opa fmt (fix: opa fmt -w policies): $unformatted"

step "opa check --strict"
opa check --strict . || fail "opa check --strict reported errors"

step "opa test"
opa test -v . || fail "opa test: unit tests failed"

step "decision cases (conformance/cases/decide) through opa eval"
python3 -c 'import yaml' 2>/dev/null || fail "python3 has no PyYAML (fix: pip install pyyaml)"
python3 cases_test.py || fail "decision cases failed (see FAIL lines above)"

step "committed Wasm (build/aegis-decide.wasm) matches the sources"
[ -f build/aegis-decide.wasm ] && [ -f build/SOURCES.sha256 ] || fail "build/aegis-decide.wasm or build/SOURCES.sha256 is missing (fix: policies/build.sh)"
if ! diff -u build/SOURCES.sha256 <(sources_record build/aegis-decide.wasm) >&2; then
  fail "build/SOURCES.sha256 does not match the Rego sources, OPA version or Wasm (fix: policies/build.sh, then commit policies/build)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build_wasm "$tmp/aegis-decide.wasm" || fail "opa build -t wasm failed"
cmp -s "$tmp/aegis-decide.wasm" build/aegis-decide.wasm ||
  fail "rebuilding from the sources gives a different Wasm than the committed one (fix: policies/build.sh, then commit policies/build)"
echo "policies: all checks passed (OPA $AEGIS_OPA_VERSION)" >&2
