# Sourced by build.sh and check.sh (from policies/): pins the OPA version and defines the
# record of what the committed Wasm was built from.
AEGIS_OPA_VERSION=1.22.3
export PATH="/root/go/bin:$PATH"

opa_version() { opa version 2>/dev/null | sed -n 's/^Version: //p'; }

if ! command -v opa >/dev/null 2>&1; then
  echo "policies: opa not found; install OPA $AEGIS_OPA_VERSION (.ci/run does: go install github.com/open-policy-agent/opa@v$AEGIS_OPA_VERSION)" >&2
  exit 1
fi
if [ "$(opa_version)" != "$AEGIS_OPA_VERSION" ]; then
  echo "policies: opa $(command -v opa) is version '$(opa_version)', expected $AEGIS_OPA_VERSION" >&2
  exit 1
fi

# Compiles the bundle (tests excluded) to Wasm with entrypoint aegis/decide/decision and writes
# the module to $1. Run from policies/: the module embeds source paths such as aegis/decide.rego.
build_wasm() {
  local out=$1 tmp
  tmp=$(mktemp -d)
  opa build -t wasm -e aegis/decide/decision --ignore '*_test.rego' aegis -o "$tmp/bundle.tar.gz" &&
    tar -xzf "$tmp/bundle.tar.gz" -C "$tmp" /policy.wasm 2>/dev/null &&
    cat "$tmp/policy.wasm" > "$out"
  local rc=$?
  rm -rf "$tmp"
  return $rc
}

# The Rego sources of the bundle (tests excluded), sorted bytewise by path.
bundle_sources() { find aegis -name '*.rego' ! -name '*_test.rego' | LC_ALL=C sort; }

# SOURCES.sha256: the OPA version, the digest of the concatenated sources, the digest of the Wasm
# built from them, and one line per source file (to show which changed).
sources_record() {
  local wasm=$1
  echo "opa-version $AEGIS_OPA_VERSION"
  echo "sources-sha256 $(bundle_sources | xargs cat | sha256sum | cut -d' ' -f1)"
  echo "wasm-sha256 $(sha256sum < "$wasm" | cut -d' ' -f1)"
  bundle_sources | xargs sha256sum
}
