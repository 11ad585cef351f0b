#!/usr/bin/env bash
# The main job on a fresh machine: install schemagate and lint the example
# migrations in testdata/examples. Findings are the point of the examples,
# so exit 1 (findings) counts as success here; exit 2 (could not run) fails.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v gcc >/dev/null || { echo "schemagate needs a C compiler (cgo: pg_query, tree-sitter): apt-get install gcc" >&2; exit 2; }
go install ./cmd/schemagate
bin="$(go env GOBIN)"
[ -n "$bin" ] || bin="$(go env GOPATH)/bin"
echo "installed $bin/schemagate"
set +e
"$bin/schemagate" lint testdata/examples/goose testdata/examples/golang-migrate testdata/examples/flyway
code=$?
set -e
if [ "$code" -ge 2 ]; then exit "$code"; fi
echo "schemagate lint exited $code (1 = findings, as the examples intend)"
