#!/usr/bin/env bash
# Fetches a real Debian package (any architecture) once, caches the .deb under
# the build folder, unpacks it, and prints the folder it was unpacked into.
#   tests/tools/debian-binary.sh PACKAGE [ARCH]      e.g. busybox-static mipsel
# Cache: $IOTSSF_DEB_CACHE or build/debs. A second run needs no network.
# Foreign architectures are added to dpkg (and apt updated) only when needed.
set -euo pipefail
pkg=$1
arch=${2:-$(dpkg --print-architecture)}
here=$(cd "$(dirname "$0")/../.." && pwd)
cache=${IOTSSF_DEB_CACHE:-$here/build/debs}
mkdir -p "$cache"
# Tests run in parallel and may ask for the same package: one at a time.
exec 9>"$cache/.lock"
flock 9
deb=$(ls "$cache"/"${pkg}"_*_"${arch}".deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    if [ "$arch" != "$(dpkg --print-architecture)" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
        $sudo dpkg --add-architecture "$arch"
        $sudo apt-get update -qq >&2
    fi
    if ! (cd "$cache" && apt-get download -qq "$pkg:$arch" >&2 2>/dev/null); then
        $sudo apt-get update -qq >&2
        (cd "$cache" && apt-get download -qq "$pkg:$arch" >&2)
    fi
    deb=$(ls "$cache"/"${pkg}"_*_"${arch}".deb | head -n 1)
fi
out="$cache/unpacked/${pkg}_${arch}"
if [ ! -d "$out" ]; then
    mkdir -p "$cache/unpacked"
    tmp=$(mktemp -d "$cache/unpack.XXXXXX")
    dpkg-deb -x "$deb" "$tmp"
    mv "$tmp" "$out"
fi
echo "$out"
