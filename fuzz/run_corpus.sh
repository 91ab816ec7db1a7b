#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build over its seed corpus, and with
# SECONDS > 0 also fuzzes each target for that long.
#
#   fuzz/run_corpus.sh BUILD_DIR [SECONDS]
#
# BUILD_DIR is a build configured with -DIOTSSF_FUZZ=ON (see `make fuzz`).
# Targets are the fuzz/fuzz_*.c files; target fuzz_X reads fuzz/corpus/X/ and
# uses fuzz/X.dict when it exists (fuzz_doc uses profile.dict). The seed
# corpora are only read: fuzzing works on a copy in BUILD_DIR/fuzz-work/X/,
# kept between runs so later runs start from what earlier ones found, and any
# crash, leak, timeout or OOM input is saved there as crash-*, leak-*, ...
# (copy the ones worth keeping to fuzz/crashes/).
#
# Prints one line per target and, last, "N passed, M failed"; exits non-zero
# when any target failed.
set -u

usage() {
    echo "usage: $0 BUILD_DIR [SECONDS]" >&2
    exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "$0: no such build folder: $1" >&2; exit 2; }
seconds=${2:-0}
case $seconds in '' | *[!0-9]*) usage ;; esac
here=$(cd "$(dirname "$0")" && pwd)
work=$build/fuzz-work

# Leaks are failures; the user's own settings come last and win.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
limits=(-timeout=10 -rss_limit_mb=2048)

passed=0
failed=0

# The sanitizer's or libFuzzer's own words on what went wrong, and where.
explain() {
    local log=$1
    grep -m1 -E '^==[0-9]+==ERROR|runtime error:|^fuzz: |ERROR: libFuzzer' "$log" | sed 's/^/    /'
    grep -m1 -E '^SUMMARY:' "$log" | sed 's/^/    /'
    grep -E 'Test unit written to|^Running: ' "$log" | tail -n 1 | sed 's/^/    /'
    echo "    full log: $log"
}

dict_of() {
    local short=$1
    if [ -f "$here/$short.dict" ]; then
        echo "$here/$short.dict"
    elif [ -f "$here/profile.dict" ]; then
        echo "$here/profile.dict"
    fi
}

run_target() {
    local name=$1
    local short=${name#fuzz_}
    local bin=$build/fuzz/$name
    local seeds=$here/corpus/$short
    local dir=$work/$short
    if [ ! -x "$bin" ]; then
        echo "$name: FAILED: $bin is not built (configure with -DIOTSSF_FUZZ=ON and build)"
        return 1
    fi
    mkdir -p "$dir/corpus"

    # 1. Every seed, each run once; libFuzzer exits non-zero on a crash or leak.
    local files=()
    if [ -d "$seeds" ]; then
        while IFS= read -r -d '' f; do files+=("$f"); done \
            < <(find "$seeds" -maxdepth 1 -type f -print0 | sort -z)
    fi
    if [ ${#files[@]} -gt 0 ]; then
        if ! "$bin" "${limits[@]}" "${files[@]}" >"$dir/replay.log" 2>&1; then
            echo "$name: FAILED on the seed corpus (${#files[@]} inputs)"
            explain "$dir/replay.log"
            return 1
        fi
    fi
    local summary="$name: ok: ${#files[@]} seeds replayed"
    if [ "$seconds" -eq 0 ]; then
        echo "$summary"
        return 0
    fi

    # 2. Fuzzing, on the scratch copy.
    [ ${#files[@]} -gt 0 ] && cp -p "${files[@]}" "$dir/corpus/"
    local dict
    dict=$(dict_of "$short")
    local args=(-max_total_time="$seconds" -max_len=65536 "${limits[@]}"
        -print_final_stats=1 -artifact_prefix="$dir/")
    [ -n "$dict" ] && args+=(-dict="$dict")
    local rc=0
    "$bin" "${args[@]}" "$dir/corpus" >"$dir/fuzz.log" 2>&1 || rc=$?
    local execs cov corpus
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$dir/fuzz.log" | tail -n 1)
    corpus=$(find "$dir/corpus" -maxdepth 1 -type f | wc -l)
    if [ "$rc" -ne 0 ]; then
        echo "$name: FAILED while fuzzing (exit $rc) after ${execs:-?} execs"
        explain "$dir/fuzz.log"
        return 1
    fi
    echo "$summary; fuzzed ${seconds}s: ${execs:-?} execs, ${cov:-cov ?}, corpus $corpus inputs"
}

targets=()
for src in "$here"/fuzz_*.c; do
    [ -e "$src" ] && targets+=("$(basename "$src" .c)")
done
if [ ${#targets[@]} -eq 0 ]; then
    echo "$0: no fuzz targets in $here" >&2
    exit 2
fi
for t in "${targets[@]}"; do
    if run_target "$t"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
