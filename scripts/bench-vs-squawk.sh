#!/usr/bin/env bash
# schemagate lint against squawk 2.66 on the same files, side by side.
#
# For each input, runs `schemagate lint --no-cache --format json` (cold),
# `squawk --reporter json` and `schemagate lint --format json` with its
# cache filled by an earlier run (warm: a directory's report as printed, a
# single file's findings) RUNS times each (default
# 5), alternating, and prints the median wall time, median CPU time
# (user+sys) and peak RSS of each, schemagate's cold ratio to squawk and
# its warm speed-up over cold. The ratios are the figures that matter: on
# a shared machine absolute times move with the load, which is printed
# with the figures. The warm runs keep their cache in the cache
# directory's lintcache/, emptied first.
#
# Inputs (generated once into the cache directory):
#   squawk-1.27MB  2,000 files, 1.27 MB, 17,893 statements (scripts/bench/gen_corpus.py)
#   benchgen-8MB   2,000 goose migrations, 8 MB (internal/benchgen, as BenchmarkLintCorpus)
#   long-20000     one migration of 20,000 lines (internal/benchgen, as BenchmarkLintLongFile)
#
# Needs: go, npm (squawk-cli@2.66.0 is installed into the cache directory
# when missing; SQUAWK=/path/to/squawk uses another), python3, GNU time
# (/usr/bin/time). Usage:
#
#   scripts/bench-vs-squawk.sh [INPUT...]     # default: all three
#   RUNS=9 scripts/bench-vs-squawk.sh squawk-1.27MB
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

runs=${RUNS:-5}
cache=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagate-bench}
squawk_version=2.66.0
mkdir -p "$cache"

die() { echo "bench-vs-squawk: $*" >&2; exit 2; }
[[ -x /usr/bin/time ]] || die "needs GNU time at /usr/bin/time (apt-get install time)"
py=python3
[[ -x /usr/bin/python3 ]] && py=/usr/bin/python3

squawk=${SQUAWK:-$cache/squawk-$squawk_version/node_modules/.bin/squawk}
if [[ ! -x $squawk ]]; then
	[[ -z ${SQUAWK:-} ]] || die "SQUAWK=$SQUAWK is not executable"
	echo "installing squawk-cli@$squawk_version into $cache ..." >&2
	npm install --silent --no-audit --no-fund --prefix "$cache/squawk-$squawk_version" "squawk-cli@$squawk_version" >&2
fi

bin=$cache/schemagate
echo "building schemagate ..." >&2
go build -o "$bin" ./cmd/schemagate

# Inputs, each generated once: input NAME prints the paths to lint.
input() {
	local dir=$cache/inputs/$1
	case $1 in
	squawk-1.27MB)
		[[ -d $dir/migrations ]] || $py scripts/bench/gen_corpus.py "$dir" >&2
		echo "$dir/migrations" ;;
	benchgen-8MB)
		[[ -d $dir ]] || go run ./internal/benchgen/gen corpus "$dir" >&2
		echo "$dir" ;;
	long-20000)
		[[ -f $dir/0001_long.sql ]] || { mkdir -p "$dir" && go run ./internal/benchgen/gen long "$dir/0001_long.sql" 20000 >&2; }
		echo "$dir/0001_long.sql" ;;
	*) die "unknown input $1 (want squawk-1.27MB, benchgen-8MB or long-20000)" ;;
	esac
}

# measure OUT CMD...: runs CMD once, appends "wall cpu rss_kb" to OUT.
# Exit status 1 is findings, for both tools.
measure() {
	local out=$1; shift
	local t
	t=$(mktemp)
	local rc=0
	/usr/bin/time -o "$t" -f "%e %U %S %M" "$@" >/dev/null 2>"$t.err" || rc=$?
	if ((rc > 1)); then
		cat "$t.err" >&2
		die "$* exited $rc"
	fi
	# /usr/bin/time notes a non-zero exit on its first line.
	grep -v "exited with" "$t" | awk '{ printf "%s %.3f %s\n", $1, $2 + $3, $4 }' >>"$out"
	rm -f "$t" "$t.err"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$1" '{ print $c }' "$2"; }

inputs=("$@")
((${#inputs[@]})) || inputs=(squawk-1.27MB benchgen-8MB long-20000)

echo "schemagate $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?') vs squawk $("$squawk" --version 2>/dev/null | awk '{print $NF}'), $runs alternating runs each, $(nproc) cores"
printf '%-14s %-10s %9s %9s %9s\n' input tool wall_s cpu_s peak_MB
for name in "${inputs[@]}"; do
	path=$(input "$name")
	files=("$path")
	[[ -d $path ]] && files=("$path"/*.sql)
	sg=$(mktemp) sq=$(mktemp) warm=$(mktemp)
	rm -rf "$cache/lintcache" && mkdir -p "$cache/lintcache"
	SCHEMAGATE_CACHE_DIR=$cache/lintcache "$bin" lint --format json "$path" >/dev/null || (($? == 1)) || die "priming the cache failed"
	load0=$(cut -d' ' -f1 /proc/loadavg)
	for ((i = 0; i < runs; i++)); do
		measure "$sg" "$bin" lint --no-cache --format json "$path"
		measure "$sq" "$squawk" --reporter json "${files[@]}"
		SCHEMAGATE_CACHE_DIR=$cache/lintcache measure "$warm" "$bin" lint --format json "$path"
	done
	load1=$(cut -d' ' -f1 /proc/loadavg)
	for tool in schemagate squawk sg-warm; do
		f=$sg
		[[ $tool == squawk ]] && f=$sq
		[[ $tool == sg-warm ]] && f=$warm
		printf '%-14s %-10s %9s %9s %9.0f\n' "$name" "$tool" "$(col 1 "$f" | median)" "$(col 2 "$f" | median)" "$(col 3 "$f" | median | awk '{ print $1 / 1024 }')"
	done
	awk -v a="$(col 1 "$sg" | median)" -v b="$(col 1 "$sq" | median)" \
		-v c="$(col 2 "$sg" | median)" -v d="$(col 2 "$sq" | median)" \
		-v e="$(col 3 "$sg" | median)" -v f="$(col 3 "$sq" | median)" \
		-v l0="$load0" -v l1="$load1" -v n="$name" \
		'BEGIN { printf "%-14s ratio      %9.2f %9.2f %9.2f   (schemagate cold / squawk; load average %s -> %s)\n", n, a / b, c / d, e / f, l0, l1 }'
	awk -v a="$(col 1 "$sg" | median)" -v b="$(col 1 "$warm" | median)" -v c="$(col 2 "$sg" | median)" -v d="$(col 2 "$warm" | median)" -v n="$name" \
		'BEGIN { printf "%-14s warm x    %9.2f %9.2f             (schemagate cold / warm)\n", n, a / b, c / d }'
	rm -f "$sg" "$sq" "$warm"
done
