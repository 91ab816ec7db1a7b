#!/usr/bin/env bash
# The issue's floor, measured: categorize and derive requirements for N
# generated profiles (100,000 by default); report profiles per second and
# peak memory.
#
#   bench/categorize.sh [N]          (make bench)
#
# Builds only the profile generator (bench/gen_profiles.c); expects the
# release CLI at build/iotssf (`make build`). Generates N profiles as one
# multi-document YAML stream in bench/out/profiles.yaml (deterministic; the
# seed is BENCH_SEED, 20200 by default), then runs, each once under
# /usr/bin/time -v:
#   iotssf categorize   bench/out/profiles.yaml --format json
#   iotssf requirements bench/out/profiles.yaml --format json
#                      (skipped with a note while the catalog does not load)
#   python3 + PyYAML parsing the same stream, parse only, as the peer a user
#                      might otherwise reach for (skipped when PyYAML is absent)
# and prints wall time, profiles/second and peak resident memory of each, and
# the ratio of iotssf's categorize time to the parse-only time.
#
# PyYAML's loader is yaml.CSafeLoader (libyaml, the parser iotssf uses too)
# when PyYAML has it, else yaml.SafeLoader; BENCH_PY_PURE=1 forces the
# pure-Python yaml.safe_load_all (about 10x slower: minutes for 100,000).
# The JSON outputs are large (tens of KB per profile) and are deleted after
# measuring unless BENCH_KEEP=1. The run's results are written as a Markdown
# section to bench/out/result.md; BENCH_RECORD=1 also appends it to
# bench/RESULTS.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-100000}
case $n in '' | *[!0-9]* | 0) echo "usage: $0 [N]   (N a positive whole number)" >&2; exit 2 ;; esac
seed=${BENCH_SEED:-20200}
out=bench/out
cli=build/iotssf

if [ ! -x "$cli" ]; then
    echo "bench: $cli is missing; build it first with 'make build'" >&2
    exit 2
fi
if [ ! -x /usr/bin/time ]; then
    echo "bench: /usr/bin/time is missing; install it with 'apt-get install -y time'" >&2
    exit 2
fi
mkdir -p "$out"

# ---- the profiles ----
gen=$out/gen_profiles
if [ ! -x "$gen" ] || [ bench/gen_profiles.c -nt "$gen" ]; then
    ${CC:-cc} -O2 -std=c11 -Wall -Wextra -o "$gen" bench/gen_profiles.c
fi
features=data/catalog/features.yaml
feature_note="no features (data/catalog/features.yaml absent)"
gen_args=("$n" "$seed")
if [ -f "$features" ]; then
    gen_args+=("$features")
    feature_note="features drawn from $features"
fi
profiles=$out/profiles.yaml
"$gen" "${gen_args[@]}" >"$profiles"
bytes=$(wc -c <"$profiles")
modes=$(grep -c '^  - id: mode-' "$profiles")
echo "generated $n profiles ($modes use modes, $((bytes / 1024 / 1024)) MB; $feature_note) in $profiles"

# ---- measuring ----

# Runs a command under /usr/bin/time -v; sets wall (seconds), peak_kb and
# status. The command's stderr and time's report go to $out/<name>.time.
measure() {
    local name=$1
    shift
    local report=$out/$name.time
    status=0
    /usr/bin/time -v -o "$report" "$@" 2>"$out/$name.stderr" || status=$?
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        printf "%.2f", s }' "$report")
    peak_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$report")
}

per_second() { awk -v n="$n" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
megabytes() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

rows=()
row() { # step wall profiles/s peak-MB note
    printf '  %-34s %8s s %10s profiles/s %8s MB peak  %s\n' "$1" "$2" "$3" "$4" "$5"
    rows+=("| $1 | $2 | $3 | $4 | $5 |")
}

measure categorize "$cli" categorize "$profiles" --format json -o "$out/categorize.json" --quiet
if [ "$status" -ne 0 ]; then
    echo "bench: iotssf categorize failed (exit $status):" >&2
    head -n 5 "$out/categorize.stderr" >&2
    exit 1
fi
categorize_wall=$wall
echo "results:"
row "iotssf categorize --format json" "$wall" "$(per_second "$wall")" "$(megabytes "$peak_kb")" \
    "$(($(wc -c <"$out/categorize.json") / 1024 / 1024)) MB of JSON"

# The catalog (data/catalog/) may not be loadable yet: ask it about one
# example before spending the full run on it.
if "$cli" requirements examples/netcam.yaml --quiet -o "$out/probe.txt" 2>"$out/probe.stderr"; then
    measure requirements "$cli" requirements "$profiles" --format json \
        -o "$out/requirements.json" --quiet
    if [ "$status" -ne 0 ]; then
        echo "bench: iotssf requirements failed (exit $status):" >&2
        head -n 5 "$out/requirements.stderr" >&2
        exit 1
    fi
    row "iotssf requirements --format json" "$wall" "$(per_second "$wall")" \
        "$(megabytes "$peak_kb")" "$(($(wc -c <"$out/requirements.json") / 1024 / 1024)) MB of JSON"
else
    why=$(head -n 1 "$out/probe.stderr")
    row "iotssf requirements --format json" "-" "-" "-" "skipped: catalog not loadable ($why)"
fi
rm -f "$out/probe.txt"

ratio_note=""
if /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
    if [ "${BENCH_PY_PURE:-0}" = 1 ]; then
        loader="yaml.safe_load_all (pure Python)"
        pycode='import sys, yaml
n = sum(1 for _ in yaml.safe_load_all(open(sys.argv[1], "rb")))'
    else
        loader=$(/usr/bin/python3 -c 'import yaml
print("yaml.load_all, CSafeLoader (libyaml)" if getattr(yaml, "__with_libyaml__", False)
      else "yaml.safe_load_all (pure Python)")')
        pycode='import sys, yaml
L = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
n = sum(1 for _ in yaml.load_all(open(sys.argv[1], "rb"), Loader=L))'
    fi
    measure python /usr/bin/python3 -c "$pycode" "$profiles"
    if [ "$status" -ne 0 ]; then
        row "python3 $loader" "-" "-" "-" "failed (exit $status, see $out/python.stderr)"
    else
        row "python3 PyYAML, parse only" "$wall" "$(per_second "$wall")" \
            "$(megabytes "$peak_kb")" "$loader"
        ratio_note=$(awk -v a="$categorize_wall" -v b="$wall" 'BEGIN {
            if (b > 0) printf "%.2f", a / b; else print "n/a" }')
        echo "  ratio: iotssf categorize time / python parse-only time = $ratio_note"
    fi
else
    row "python3 PyYAML, parse only" "-" "-" "-" \
        "skipped: python3-yaml not installed (apt-get install -y python3-yaml)"
fi

if [ "${BENCH_KEEP:-0}" != 1 ]; then
    rm -f "$out/categorize.json" "$out/requirements.json"
fi

# ---- the record ----
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
ram=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
{
    echo
    echo "## $(date -u +%Y-%m-%d): $n profiles"
    echo
    echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $ram RAM"
    echo "- build: $("$cli" version) at $cli ($(grep -m1 '^CMAKE_BUILD_TYPE:' build/CMakeCache.txt 2>/dev/null | cut -d= -f2 || echo '?'))"
    echo "- command: \`bench/categorize.sh $n\` (seed $seed)"
    echo "- input: $n profiles, $modes use modes, $((bytes / 1024 / 1024)) MB of YAML; $feature_note"
    echo
    echo "| step | wall s | profiles/s | peak MB | note |"
    echo "|---|---:|---:|---:|---|"
    printf '%s\n' "${rows[@]}"
    if [ -n "$ratio_note" ]; then
        echo
        echo "iotssf categorize time / python parse-only time: $ratio_note"
    fi
} >"$out/result.md"
if [ "${BENCH_RECORD:-0}" = 1 ]; then
    cat "$out/result.md" >>bench/RESULTS.md
    echo "appended to bench/RESULTS.md"
else
    echo "record: $out/result.md (BENCH_RECORD=1 appends it to bench/RESULTS.md)"
fi
