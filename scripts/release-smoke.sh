#!/usr/bin/env bash
# Runs the host-architecture path of scripts/release.sh into a temporary
# directory and checks what it made: the archive and its checksum, the
# files in it, and a binary that prints the version, commit and date it was
# built with. scripts/test.sh runs it; the cross-compiled arm64 build needs
# gcc-aarch64-linux-gnu and is left to the release itself.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
version=v0.0.0-smoke.1
RELEASE_ARCHS=host RELEASE_DIR="$dir/dist" scripts/release.sh "$version"

arch="$(go env GOHOSTARCH)"
name="schemagate_${version}_linux_${arch}"
fail() { echo "release-smoke: $*" >&2; exit 1; }
[ -f "$dir/dist/$name.tar.gz" ] || fail "no $name.tar.gz"
(cd "$dir/dist" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match the archive"
listing="$(tar -tzf "$dir/dist/$name.tar.gz" | sort | tr '\n' ' ')"
want="$name/ $name/CHANGELOG.md $name/README.md $name/schemagate "
[ "$listing" = "$want" ] || fail "archive holds: $listing; want: $want"
tar -xzf "$dir/dist/$name.tar.gz" -C "$dir"
out="$("$dir/$name/schemagate" --version)"
commit="$(git rev-parse HEAD)"
for want in "schemagate $version" "commit:   $commit" "built:    $(date -u -d "@$(git log -1 --format=%ct HEAD)" +%Y-%m-%dT%H:%M:%SZ)" "pg_query: github.com/pganalyze/pg_query_go/v5 v"; do
  grep -qF -- "$want" <<<"$out" || fail "--version lacks \"$want\":
$out"
done
# The archived binary works: it lints the example migrations.
set +e
"$dir/$name/schemagate" lint testdata/examples/goose >/dev/null
code=$?
set -e
[ "$code" -le 1 ] || fail "the archived binary exited $code linting testdata/examples/goose"
echo "release-smoke: ok ($name)"
