#!/usr/bin/env bash
# Runs the CLI cases in tests/cases/*.case: each file is data, not code, so a
# new case needs no new test program.
#
# Case format (one directive per line; '#' starts a comment line):
#   args: <arguments to iotssf; $PROFILE, $POLICY and $TMP are substituted>
#   exit: <expected exit status>
#   stdout-has: <text that must appear in stdout>     (repeatable)
#   stdout-lacks: <text that must not appear>         (repeatable)
#   stderr-has: <text that must appear in stderr>     (repeatable)
#   stdout-empty                                       (nothing on stdout)
#   no-file: <path that must not exist afterwards>    (repeatable)
#   file-has: <path> <text>                            (repeatable)
#   --- profile      the lines up to the next '--- policy' or the end are $PROFILE
#   --- policy       likewise for $POLICY (a plain '---' stays in the YAML)
set -u
bin=$1
dir=$2
passed=0
failed=0
failures=()

run_case() {
    local case=$1 tmp
    tmp=$(mktemp -d)
    local args="" exit_want=0 section="" line
    local -a checks=()
    : >"$tmp/profile.yaml"
    : >"$tmp/policy.yaml"
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
        "--- profile") section=profile; continue ;;
        "--- policy") section=policy; continue ;;
        esac
        if [ -n "$section" ]; then
            printf '%s\n' "$line" >>"$tmp/$section.yaml"
            continue
        fi
        case "$line" in
        "#"* | "") ;;
        args:*) args=${line#args: } ;;
        exit:*) exit_want=${line#exit: } ;;
        *) checks+=("$line") ;;
        esac
    done <"$case"
    args=${args//\$PROFILE/$tmp/profile.yaml}
    args=${args//\$POLICY/$tmp/policy.yaml}
    args=${args//\$TMP/$tmp}
    local rc=0
    # shellcheck disable=SC2086  # args are split on purpose, as a shell would
    eval "\"$bin\" $args" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
    local ok=1 why=""
    if [ "$rc" != "$exit_want" ]; then ok=0; why="exit $rc, expected $exit_want"; fi
    for c in "${checks[@]}"; do
        local v=${c#*: }
        v=${v//\$TMP/$tmp}
        case "$c" in
        stdout-has:*) grep -qF -- "$v" "$tmp/out" || { ok=0; why="$why; stdout lacks '$v'"; } ;;
        stdout-lacks:*) ! grep -qF -- "$v" "$tmp/out" || { ok=0; why="$why; stdout has '$v'"; } ;;
        stderr-has:*) grep -qF -- "$v" "$tmp/err" || { ok=0; why="$why; stderr lacks '$v'"; } ;;
        stdout-empty) [ ! -s "$tmp/out" ] || { ok=0; why="$why; stdout not empty"; } ;;
        no-file:*) [ ! -e "$v" ] || { ok=0; why="$why; $v exists"; } ;;
        file-has:*)
            local path=${v%% *} text=${v#* }
            grep -qF -- "$text" "$path" 2>/dev/null || { ok=0; why="$why; $path lacks '$text'"; } ;;
        *) ok=0; why="$why; unknown directive '$c'" ;;
        esac
    done
    if [ $ok = 1 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$(basename "$case"): ${why#; }")
        echo "--- $(basename "$case") stderr:"; head -5 "$tmp/err"
    fi
    rm -rf "$tmp"
}

for case in "$dir"/*.case; do
    run_case "$case"
done
for f in "${failures[@]+"${failures[@]}"}"; do echo "FAIL $f"; done
echo "cli cases: $passed passed, $failed failed"
[ "$failed" = 0 ]
