#!/usr/bin/env bash
# Fetches a real Debian package (any architecture) once, caches the .deb under
# the build folder, unpacks it, and prints the folder it was unpacked into.
#   tests/tools/debian-binary.sh PACKAGE [ARCH]      e.g. busybox-static mipsel
# Cache: $IOTSSF_DEB_CACHE or build/debs; a second run needs no network. A
# machine-wide copy (/var/cache/iotssf/debs, when writable) lets a fresh clone
# on the same machine skip the network too.
# Foreign architectures are added to dpkg (and apt updated) only when needed;
# a mirror that is half-synced for one architecture must not stop the others,
# so a failed `apt-get update` is a warning and only a failed download fails.
set -euo pipefail
pkg=$1
arch=${2:-$(dpkg --print-architecture)}
here=$(cd "$(dirname "$0")/../.." && pwd)
cache=${IOTSSF_DEB_CACHE:-$here/build/debs}
shared=/var/cache/iotssf/debs
mkdir -p "$cache"
# Tests run in parallel and may ask for the same package: one at a time.
exec 9>"$cache/.lock"
flock 9
find_deb() { ls "$1"/"${pkg}"_*_"${arch}".deb 2>/dev/null | head -n 1 || true; }
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
apt_update() {
    $sudo apt-get update -qq >&2 || echo "debian-binary.sh: apt-get update reported errors; trying the download anyway" >&2
}
deb=$(find_deb "$cache")
if [ -z "$deb" ] && [ -n "$(find_deb "$shared")" ]; then
    cp "$(find_deb "$shared")" "$cache/"
    deb=$(find_deb "$cache")
fi
if [ -z "$deb" ]; then
    if [ "$arch" != "$(dpkg --print-architecture)" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
        $sudo dpkg --add-architecture "$arch"
        apt_update
    fi
    if ! (cd "$cache" && apt-get download -qq "$pkg:$arch" >&2 2>/dev/null); then
        apt_update
        (cd "$cache" && apt-get download -qq "$pkg:$arch" >&2)
    fi
    deb=$(find_deb "$cache")
    if mkdir -p "$shared" 2>/dev/null && [ -w "$shared" ]; then
        cp -n "$deb" "$shared/" 2>/dev/null || true
    fi
fi
out="$cache/unpacked/${pkg}_${arch}"
if [ ! -d "$out" ]; then
    mkdir -p "$cache/unpacked"
    tmp=$(mktemp -d "$cache/unpack.XXXXXX")
    dpkg-deb -x "$deb" "$tmp"
    mv "$tmp" "$out"
fi
echo "$out"
