#!/usr/bin/env bash
# schemagate check on a large Django project, end to end (issue 16).
#
# Generates the project of benchgen.DefaultDjango once (30 apps, 1,400
# migrations tagged v1, 20 more tagged v2, a real git repository), builds
# schemagate, and runs `schemagate check --previous v1 --new v2 --format
# json` in it RUNS times (default 5) cold (--no-cache: no reference index,
# no stored translations) and RUNS times warm (both caches filled by a
# first run, in a directory of their own), alternating, and prints the
# median wall time, median CPU time (user+sys) and peak RSS of each, with
# the load average before and after. BIN=/path/to/schemagate measures
# another build.
#
# Needs: go, git, GNU time (/usr/bin/time). Usage:
#
#   scripts/bench-django-check.sh
#   RUNS=9 BIN=/tmp/schemagate-main scripts/bench-django-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-5}
cache=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagate-bench}
mkdir -p "$cache"
die() { echo "bench-django-check: $*" >&2; exit 2; }
[[ -x /usr/bin/time ]] || die "needs GNU time at /usr/bin/time (apt-get install time)"

project=$cache/django-1420
if [[ ! -d $project/.git ]]; then
	rm -rf "$project"
	go run ./internal/benchgen/gen django "$project"
fi
# Pack the objects as a clone has them: the generator leaves 1,600 loose
# objects, and reading those one file each is most of a warm run's time.
if [[ $(git -C "$project" count-objects | cut -d' ' -f1) != 0 ]]; then
	git -C "$project" gc -q
fi
bin=${BIN:-}
if [[ -z $bin ]]; then
	bin=$cache/schemagate-django-bench
	go build -o "$bin" ./cmd/schemagate
fi
warm=$(mktemp -d)
trap 'rm -rf "$warm"' EXIT

# one MODE: runs check once, appends "wall cpu rss_kb" to $warm/MODE.
one() {
	local mode=$1 args=(check --previous v1 --new v2 --format json) env=()
	if [[ $mode == cold ]]; then
		args+=(--no-cache)
	else
		env=(XDG_CACHE_HOME="$warm/xdg" SCHEMAGATE_CACHE_DIR="$warm/sg")
	fi
	local rc=0
	(cd "$project" && env "${env[@]}" /usr/bin/time -f "%e %U %S %M" -o "$warm/time" "$bin" "${args[@]}" >/dev/null 2>"$warm/err") || rc=$?
	[[ $rc -le 1 ]] || die "$mode: exit $rc: $(cat "$warm/err")"
	# GNU time writes "Command exited with non-zero status 1" first on findings.
	tail -1 "$warm/time" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >>"$warm/$mode"
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo "load before: $(uptime)"
one warm # fills the caches; not counted
: >"$warm/warm"
for ((i = 0; i < runs; i++)); do
	one cold
	one warm
done
echo "load after:  $(uptime)"
printf '%-5s %10s %10s %10s\n' run wall-s cpu-s rss-MB
for mode in cold warm; do
	wall=$(cut -d' ' -f1 "$warm/$mode" | median)
	cpu=$(cut -d' ' -f2 "$warm/$mode" | median)
	rss=$(cut -d' ' -f3 "$warm/$mode" | sort -n | tail -1)
	printf '%-5s %10s %10s %10d\n' "$mode" "$wall" "$cpu" $((rss / 1024))
done
for mode in cold warm; do
	echo "$mode runs (wall cpu rss-KB): $(paste -sd';' "$warm/$mode")"
done
