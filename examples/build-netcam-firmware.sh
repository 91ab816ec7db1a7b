#!/usr/bin/env bash
# Builds the firmware image of the example network camera (examples/netcam.yaml)
# from real Debian mipsel binaries, as its maker might ship it: a U-Boot
# kernel header in front of an xz SquashFS root filesystem. The camera keeps
# the weaknesses the seeds describe (telnet on 2323 without login, a default
# root password), so that `iotssf firmware` has something to find. With
# --fixed it builds the maker's next release, 2.4.2: no telnet, and root
# locked in the image (each unit's password is set at manufacture), so
# `iotssf history` has a change to show.
#   examples/build-netcam-firmware.sh OUT.bin [--fixed]
set -euo pipefail
out=$1
fixed=${2:-}
version=2.4.1
[ "$fixed" = --fixed ] && version=2.4.2
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,usr/sbin,etc/init.d,etc/dropbear,www,proc,dev}
busybox=$("$here/tests/tools/debian-binary.sh" busybox-static mipsel)
dropbear=$("$here/tests/tools/debian-binary.sh" dropbear-bin mipsel)
cp "$busybox/bin/busybox" "$root/bin/"
for applet in sh ls mount telnetd httpd; do ln -s busybox "$root/bin/$applet"; done
ln -s ../bin/busybox "$root/sbin/init"
cp "$dropbear/usr/sbin/dropbear" "$root/usr/sbin/"
printf 'root:x:0:0:root:/root:/bin/sh\nviewer:x:1000:1000::/www:/bin/false\n' >"$root/etc/passwd"
if [ "$fixed" = --fixed ]; then
    # root is locked in the image; each unit's password is set at manufacture.
    printf 'root:!:19000:0:99999:7:::\nviewer:*:19000::::::\n' >"$root/etc/shadow"
else
    # MD5-crypt of "admin": a default in the Mirai list.
    printf 'root:$1$iotssf00$TgTIZvQ.lA8Pg8o2wtFaC.:19000:0:99999:7:::\nviewer:*:19000::::::\n' >"$root/etc/shadow"
fi
cat >"$root/etc/init.d/rcS" <<'RC'
#!/bin/sh
mount -t proc proc /proc
/usr/sbin/dropbear -s -g -p 22
httpd -h /www -p 80
RC
[ "$fixed" = --fixed ] || echo 'telnetd -l /bin/sh -p 2323' >>"$root/etc/init.d/rcS"
chmod +x "$root/etc/init.d/rcS"
printf '<html><body>NetCam 200</body></html>\n' >"$root/www/index.html"
mksquashfs "$root" "$work/rootfs.sqfs" -comp xz -quiet -noappend -all-root
head -c 1048576 /dev/urandom >"$work/kernel"
mkimage -A mips -O linux -T kernel -C none -a 0x80010000 -e 0x80010000 -n "NetCam 200 $version" \
    -d "$work/kernel" "$work/kernel.uimg" >/dev/null
# Flash layout: kernel at 0, root filesystem at the next 64 KiB boundary.
size=$(stat -c %s "$work/kernel.uimg")
pad=$(( (size + 65535) / 65536 * 65536 ))
{ cat "$work/kernel.uimg"; head -c $((pad - size)) /dev/zero; cat "$work/rootfs.sqfs"; } >"$out"
echo "built $out"
