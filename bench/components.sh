#!/usr/bin/env bash
# Times iotssf's component identification against YARA over the same ~1 GB
# tree of real binaries, with a YARA rule set generated from the same
# signature files (bench/components_yara.py: the same anchors and version
# patterns, as YARA strings and regexes).
#
#   bench/components.sh [BUILD_DIR]        (default: build)
#
# The tree (cached in build/bench/components-tree; delete it to rebuild):
# this machine's /usr/bin and /usr/lib/x86_64-linux-gnu regular files, up
# to ~1 GB, plus every Debian package already unpacked in build/debs.
# Each tool runs twice in a row and the second (warm cache) run is timed;
# YARA runs with its default threads and with one thread (iotssf uses one).
# Needs yara, python3 with PyYAML, and BUILD_DIR/libiotssf.a.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build}
lib=$build/libiotssf.a
out=build/bench
tree=$out/components-tree
limit=$((1000 * 1024 * 1024))

command -v yara >/dev/null || { echo "bench: yara is missing (apt-get install yara)" >&2; exit 2; }
[ -f "$lib" ] || { echo "bench: $lib is missing; build first" >&2; exit 2; }
mkdir -p "$out"

if [ ! -f "$tree/.complete" ]; then
    rm -rf "$tree"
    mkdir -p "$tree"
    python3 - "$tree" "$limit" <<'PY'
import os, shutil, sys
dest, limit = sys.argv[1], int(sys.argv[2])
total = 0
sources = ['/usr/bin', '/usr/lib/x86_64-linux-gnu', 'build/debs/unpacked']
for src in sources:
    for dirpath, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            size = os.path.getsize(path)
            if size == 0 or (total + size > limit and not src.startswith('build')):
                continue
            target = os.path.join(dest, src.strip('/').replace('/', '_'),
                                  os.path.relpath(path, src))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(path, target)
            total += size
print('tree: %.0f MB' % (total / 1e6))
PY
    touch "$tree/.complete"
fi

# shellcheck disable=SC2046
cc -std=c11 -O2 -Iinclude bench/components_bench.c "$lib" \
    $(pkg-config --libs yaml-0.1 jansson libsquashfs1 libarchive zlib liblzma libzstd liblz4 \
        lzo2 libcrypto libssl libcrypt) -lbz2 -lm -o "$out/components_bench"
python3 bench/components_yara.py data > "$out/components.yar"

seconds() { # command... -> wall seconds of its second run
    "$@" >/dev/null 2>&1 || true
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}

echo "tree: $(du -sb "$tree" | cut -f1) bytes, $(find "$tree" -type f | wc -l) files"
t_iotssf=$(seconds "$out/components_bench" data "$tree")
t_yara=$(seconds yara -w -r -s "$out/components.yar" "$tree")
t_yara1=$(seconds yara -w -r -s -p 1 "$out/components.yar" "$tree")
printf 'iotssf (1 thread)        %6.2f s\n' "$t_iotssf"
printf 'yara -r -s (default -p)  %6.2f s   ratio %.1fx\n' "$t_yara" "$(echo "$t_yara / $t_iotssf" | bc -l)"
printf 'yara -r -s -p 1          %6.2f s   ratio %.1fx\n' "$t_yara1" "$(echo "$t_yara1 / $t_iotssf" | bc -l)"
"$out/components_bench" data "$tree" > "$out/components.tsv" 2>/dev/null
echo "components found (id, version, confidence, files): $out/components.tsv"
