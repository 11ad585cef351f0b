#!/usr/bin/env bash
# The whole test suite. Tests that need PostgreSQL start their own
# throwaway cluster with the server binaries on this machine (the same code
# path as `schemagate verify`), so there is nothing to start by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
go test -count=1 "$@" ./...
