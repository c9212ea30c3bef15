#!/usr/bin/env bash
# Rebuilds the Wasm decide bundle for the in-process engine from policies/aegis with the real OPA
# (`opa build -t wasm`), writing policies/build/aegis-decide.wasm and SOURCES.sha256. Both are
# committed; policies/check.sh fails when they are stale. Usage: policies/build.sh
set -euo pipefail
cd "$(dirname "$0")"
. ./opa-env.sh

mkdir -p build
build_wasm build/aegis-decide.wasm
sources_record build/aegis-decide.wasm > build/SOURCES.sha256
echo "built policies/build/aegis-decide.wasm ($(wc -c < build/aegis-decide.wasm) bytes) with OPA $AEGIS_OPA_VERSION" >&2
