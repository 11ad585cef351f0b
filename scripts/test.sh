#!/usr/bin/env bash
# The whole test suite. Tests that need PostgreSQL start their own
# throwaway cluster with the server binaries on this machine (the same code
# path as `schemagate verify`), so there is nothing to start by hand.
#
# After the tests, every fuzz target runs briefly (FUZZ_TIME each, default
# 5s; scripts/fuzz.sh runs them long). SCHEMAGATE_SKIP_FUZZ=1 skips that
# for local runs.
#
# Then the release build's host-architecture path runs (scripts/release-smoke.sh:
# an archive, its checksum, a binary that knows its version);
# SCHEMAGATE_SKIP_RELEASE=1 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
go test -count=1 "$@" ./...
if [[ "${SCHEMAGATE_SKIP_RELEASE:-}" != 1 ]]; then
	scripts/release-smoke.sh
fi
if [[ "${SCHEMAGATE_SKIP_FUZZ:-}" != 1 ]]; then
	scripts/fuzz.sh "${FUZZ_TIME:-5s}"
fi
