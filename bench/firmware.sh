#!/usr/bin/env bash
# Firmware inspection speed against the tools a user would otherwise run, on
# the same images, in one go:
#   unsquashfs (extract only), binwalk -e (extract only), yara over the
#   extracted tree (an equivalent rule set: bench/firmware.yar), checksec --dir,
#   and iotssf's full analysis (unpack + every analysis, in memory).
# Images: an ~8 MB router image (real Debian mipsel binaries, xz squashfs at an
# offset) and a rootfs of ~1 GB uncompressed made of the machine's own /usr/lib.
# Floors (issue 3): full analysis within 1.5x of unsquashfs on the 8 MB image,
# within 1.3x on the 1 GB rootfs, peak memory under 512 MB.
#   bench/firmware.sh [small|large|both]     BENCH_RECORD=1 appends to RESULTS.md
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
out=$PWD/bench/out/firmware
mkdir -p "$out"
iotssf=$PWD/build/iotssf
[ -x "$iotssf" ] || { echo "build first: make build" >&2; exit 2; }
./tools/install-deps.sh squashfs-tools binwalk yara checksec time >/dev/null

timed() { # label command... -> prints "label seconds peakMB"
    local label=$1; shift
    local status=ok
    /usr/bin/time -f "%e %M" -o "$out/time.$$" "$@" >/dev/null 2>"$out/$label.stderr" || status=failed
    read -r secs kb < <(tail -n 1 "$out/time.$$")
    [ $status = ok ] || echo "   ($label exited non-zero; see $out/$label.stderr)" >&2
    printf '%s %s %s\n' "$label" "$secs" "$((kb / 1024))"
}

make_small() {
    local root=$out/small-root
    [ -f "$out/small.bin" ] && return
    rm -rf "$root" && mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib,lib,etc/init.d,www}
    for pkg in busybox-static dropbear-bin dnsmasq-base lighttpd openssl libssl3 curl libcurl4 \
               hostapd wpasupplicant libc6 libnl-3-200 libnl-genl-3-200; do
        d=$(tests/tools/debian-binary.sh "$pkg" mipsel)
        cp -a "$d"/. "$root"/ 2>/dev/null || true
    done
    rm -rf "$root"/usr/share/doc "$root"/usr/share/man "$root"/usr/share/locale
    printf 'root:$1$iotssf00$TgTIZvQ.lA8Pg8o2wtFaC.:19000:0:99999:7:::\n' >"$root/etc/shadow"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
    printf '#!/bin/sh\ntelnetd -l /bin/sh\n' >"$root/etc/init.d/rcS"
    mksquashfs "$root" "$out/small.sqfs" -comp xz -quiet -noappend -all-root
    { head -c 262144 /dev/zero; cat "$out/small.sqfs"; } >"$out/small.bin"
}

make_large() {
    local root=$out/large-root
    [ -f "$out/large.bin" ] && return
    rm -rf "$root" && mkdir -p "$root"
    # About 1 GiB of real binaries and libraries from this machine.
    (cd /usr/lib && find . -type f \( -name '*.so*' -o -perm -u+x \) -size -64M -print0 |
        head -z -n 200000) | (cd /usr/lib && tar --null -cf - -T - 2>/dev/null) |
        (cd "$root" && tar -xf - )
    # Trim to ~1 GiB.
    total=0
    while IFS= read -r -d '' f; do
        sz=$(stat -c %s "$f"); total=$((total + sz))
        [ $total -gt 1073741824 ] && rm -f "$f"
    done < <(find "$root" -type f -print0 | sort -z)
    mksquashfs "$root" "$out/large.bin" -comp xz -quiet -noappend -all-root
}

run_one() {
    local name=$1 image=$out/$1.bin
    local tree=$out/$name-unsquashfs
    rm -rf "$tree" "$out/$name-binwalk" "$out/$name-iotssf-tree"
    local size
    size=$(du -m "$image" | cut -f1)
    local uncompressed
    echo "== $name image: $image (${size} MB)"
    r_un=$(timed unsquashfs unsquashfs -d "$tree" -f -o "$(offset_of "$image")" "$image")
    uncompressed=$(du -sm "$tree" | cut -f1)
    # binwalk refuses to run its extractors as root unless told to.
    local run_as=()
    [ "$(id -u)" = 0 ] && run_as=(--run-as=root)
    r_bw=$(cd "$out" && timed binwalk binwalk -e "${run_as[@]}" -C "$name-binwalk" "$name.bin")
    r_yara=$(timed yara yara -r -w bench/firmware.yar "$tree")
    r_cs=$(timed checksec checksec --dir="$tree" --format=json)
    r_io=$(timed iotssf "$iotssf" firmware "$image" --format json -o "$out/$name.json" --quiet)
    echo "   uncompressed: ${uncompressed} MB"
    printf '   %-11s %8s s  %6s MB peak\n' $r_un $r_bw $r_yara $r_cs $r_io | sed 's/^/ /'
    t_un=$(echo "$r_un" | cut -d' ' -f2); t_io=$(echo "$r_io" | cut -d' ' -f2)
    t_bw=$(echo "$r_bw" | cut -d' ' -f2)
    ratio=$(awk -v a="$t_io" -v b="$t_un" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    ratio_bw=$(awk -v a="$t_io" -v b="$t_bw" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    findings=$(grep -c '"rule":' "$out/$name.json" || true)
    echo "   iotssf full analysis / unsquashfs extract: ${ratio}x   iotssf / binwalk -e: ${ratio_bw}x   findings: $findings"
    rows+=("| $name | $size MB ($uncompressed MB unpacked) | $(echo $r_un | cut -d' ' -f2) | $(echo $r_bw | cut -d' ' -f2) | $(echo $r_yara | cut -d' ' -f2) | $(echo $r_cs | cut -d' ' -f2) | $(echo $r_io | cut -d' ' -f2) | $(echo $r_io | cut -d' ' -f3) | ${ratio}x |")
}

# unsquashfs needs the squashfs offset in a raw flash image.
offset_of() {
    grep -obUaP 'hsqs' "$1" | head -n 1 | cut -d: -f1
}

rows=()
case $which in small | both) make_small; run_one small ;; esac
case $which in large | both) make_large; run_one large ;; esac

if [ "${BENCH_RECORD:-0}" = 1 ]; then
    {
        echo
        echo "## $(date -u +%F): firmware inspection (bench/firmware.sh $which)"
        echo
        echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/Model name: *//p' | head -n1), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
        echo "- build: $($iotssf version) at $iotssf"
        echo
        echo "| image | size | unsquashfs s | binwalk -e s | yara s | checksec s | iotssf s | iotssf peak MB | iotssf / unsquashfs |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
        printf '%s\n' "${rows[@]}"
    } >>bench/RESULTS.md
    echo "recorded in bench/RESULTS.md"
fi
