#!/usr/bin/env bash
# Builds the release archives: scripts/release.sh [VERSION]
#
#   dist/schemagate_<VERSION>_linux_amd64.tar.gz
#   dist/schemagate_<VERSION>_linux_arm64.tar.gz
#   dist/SHA256SUMS
#
# VERSION defaults to the tag on HEAD (git describe --exact-match), else
# v0.0.0-dev. Each archive holds the schemagate binary (cgo: pg_query and
# tree-sitter are C, so each architecture needs a C cross-compiler:
# Debian's gcc-aarch64-linux-gnu and libc6-dev-arm64-cross on amd64
# (gcc-x86-64-linux-gnu and libc6-dev-amd64-cross on arm64), installed
# with apt when missing and this runs as root or with sudo), README.md and
# CHANGELOG.md. The binary carries the version, commit and date
# (schemagate --version); the build is reproducible: -trimpath, the
# commit's date as the build date and as every archive entry's mtime.
#
# RELEASE_ARCHS picks architectures (default "amd64 arm64"; "host" is the
# machine's own, which needs no cross-compiler); RELEASE_DIR the output
# directory (default dist). Exits 2 when something it needs is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "release: $*" >&2; exit 2; }

command -v go >/dev/null || die "go is not on PATH (Go 1.26)"
command -v git >/dev/null || die "git is not on PATH"
git rev-parse --verify -q HEAD >/dev/null || die "not a git checkout with a commit: the release records its commit"

version="${1:-$(git describe --tags --exact-match 2>/dev/null || echo v0.0.0-dev)}"
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] || die "version $version is not vMAJOR.MINOR.PATCH"
commit="$(git rev-parse HEAD)"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "release: warning: the work tree has uncommitted changes; the binary says commit $commit" >&2
fi
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}"
date="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
out="${RELEASE_DIR:-dist}"
host="$(go env GOHOSTARCH)"
archs="${RELEASE_ARCHS:-amd64 arm64}"
archs="${archs//host/$host}"

# cc_for prints the C compiler for GOARCH $1, then the Debian packages it
# needs: the cross gcc and the target's C library headers (only recommended
# by the gcc package, so --no-install-recommends would leave them out).
cc_for() {
  if [ "$1" = "$host" ]; then echo "gcc gcc libc6-dev"; return; fi
  case "$1" in
    amd64) echo "x86_64-linux-gnu-gcc gcc-x86-64-linux-gnu libc6-dev-amd64-cross" ;;
    arm64) echo "aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;;
  esac
}

installed() {
  if command -v dpkg-query >/dev/null; then
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
  else
    return 1
  fi
}

for arch in $archs; do
  case "$arch" in
    amd64 | arm64) ;;
    *) die "no cross-compiler known for linux/$arch (known: amd64, arm64)" ;;
  esac
done
missing=()
for arch in $archs; do
  read -r cc pkgs <<<"$(cc_for "$arch")"
  for p in $pkgs; do
    if command -v dpkg-query >/dev/null; then
      installed "$p" || missing+=("$p")
    elif ! command -v "$cc" >/dev/null; then
      die "no $cc for linux/$arch, and no dpkg to install it: install a C cross-compiler for $arch"
    fi
  done
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing C compilers: apt-get install ${missing[*]} (as root)"
    sudo="sudo"
  fi
  command -v apt-get >/dev/null || die "missing C compilers (Debian packages ${missing[*]}), and there is no apt-get to install them"
  echo "release: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq || die "apt-get update failed: install ${missing[*]} by hand"
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "could not install ${missing[*]}"
fi

pkg=github.com/schemagate/schemagate/internal/version
ldflags="-s -w -X $pkg.Version=$version -X $pkg.Commit=$commit -X $pkg.Date=$date"
mkdir -p "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
archives=()
for arch in $archs; do
  read -r cc _ <<<"$(cc_for "$arch")"
  name="schemagate_${version}_linux_${arch}"
  echo "release: building $name with $cc" >&2
  mkdir -p "$stage/$name"
  GOOS=linux GOARCH="$arch" CGO_ENABLED=1 CC="$cc" GOFLAGS=-buildvcs=false \
    go build -trimpath -ldflags "$ldflags" -o "$stage/$name/schemagate" ./cmd/schemagate
  cp README.md "$stage/$name/"
  [ -f CHANGELOG.md ] && cp CHANGELOG.md "$stage/$name/"
  tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    -C "$stage" -cf - "$name" | gzip -n -9 >"$out/$name.tar.gz"
  archives+=("$name.tar.gz")
done
(cd "$out" && sha256sum "${archives[@]}" >SHA256SUMS)
echo "release: $version ($commit, $date):" >&2
(cd "$out" && cat SHA256SUMS) >&2
