#!/usr/bin/env bash
# Puts iotssf's binary-hardening answers (fw_elf_inspect) beside checksec's
# for the same files and prints every disagreement with the kind it belongs
# to; docs/elf-hardening.md explains each kind.
#
#   bench/elf_vs_checksec.sh [BUILD_DIR]        (default: build)
#
# The files:
#   debian/  every ELF file of busybox-static, dropbear-bin, dnsmasq-base,
#            openssl, libssl3 and curl for amd64, mipsel, armhf and arm64
#            (tests/tools/debian-binary.sh; cached in build/debs)
#   host/    this machine's libc.so.6 and ld.so
#   built/   programs compiled here (x86-64): every protection on or off,
#            lazy binding, RPATH, static, static-pie, a library with an
#            executable stack; clang+lld PIEs for MIPS, PowerPC, i386 when
#            clang and ld.lld are installed
#   edited/  copies of the all-on program with one thing changed: section
#            headers removed (as sstrip does) or pointing past the end,
#            DT_FLAGS removed (BIND_NOW only in DT_FLAGS_1), PT_GNU_STACK
#            R+X, cut short, e_phnum or e_phoff out of range
#
# Needs checksec (apt-get install checksec), readelf, python3, gcc and
# BUILD_DIR/libiotssf.a (`make build`). Writes bench/out/elf/{files,iotssf,
# checksec,disagreements}.tsv and prints the disagreements, then a count per
# field and kind.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build}
out=bench/out/elf
lib=$build/libiotssf.a
packages=(busybox-static dropbear-bin dnsmasq-base openssl libssl3 curl)
arches=(amd64 mipsel armhf arm64)

command -v checksec >/dev/null || { echo "bench: checksec is missing (apt-get install checksec)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench: python3 is missing" >&2; exit 2; }
[ -f "$lib" ] || { echo "bench: $lib is missing; build first (make build)" >&2; exit 2; }
rm -rf "$out/built" "$out/edited"
mkdir -p "$out/built" "$out/edited"

# The driver: fw_elf_inspect() over files, one TSV line each.
# shellcheck disable=SC2046
cc -std=c11 -O2 -Iinclude -Ilib bench/elf_report.c "$lib" \
    $(pkg-config --libs yaml-0.1 jansson libsquashfs1 libarchive zlib liblzma libzstd liblz4 \
        lzo2 libcrypto libssl libcrypt) -lbz2 -lm -o "$out/elf_report"

# ---- built/: the same program with protections on and off ----------------
cat >"$out/built/prog.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    char buf[64], line[128];
    ssize_t n = read(0, line, (size_t)argc * 16);
    if (n < 0)
        return 1;
    memcpy(buf, line, (size_t)argc * 8);
    snprintf(line, sizeof line, "%s-%d", argv[0], argc);
    printf("%d %s %s\n", argc, buf, line);
    return 0;
}
EOF
cat >"$out/built/lib.c" <<'EOF'
#include <string.h>
int copy_name(char *dst, const char *src, unsigned n)
{
    char tmp[32];
    memcpy(tmp, src, n);
    tmp[sizeof tmp - 1] = '\0';
    strcpy(dst, tmp);
    return tmp[0];
}
EOF
on="-O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong"
(
    cd "$out/built"
    gcc -O0 -U_FORTIFY_SOURCE -fno-stack-protector -no-pie -z execstack -Wl,-z,norelro prog.c -o all-off
    gcc $on -fPIE -pie -Wl,-z,relro,-z,now prog.c -o all-on
    gcc $on -fPIE -pie -Wl,-z,relro,-z,lazy prog.c -o lazy
    gcc $on -fPIE -pie -Wl,-z,relro,-z,now -Wl,--disable-new-dtags,-rpath,/tmp/lib prog.c -o rpath-tmp
    gcc $on -fPIE -pie -Wl,-z,relro,-z,now '-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib' prog.c -o runpath-origin
    gcc $on -static prog.c -o static
    strip -o static-stripped static
    gcc -O0 -U_FORTIFY_SOURCE -fno-stack-protector -static prog.c -o static-no-protector
    gcc $on -fPIE -static-pie prog.c -o static-pie
    gcc $on -fPIC -shared -Wl,-z,relro,-z,now -z execstack lib.c -o libexec.so
    if command -v clang >/dev/null && command -v ld.lld >/dev/null; then
        printf '%s\n' '__SIZE_TYPE__ __stack_chk_guard = 1;' \
            'void __stack_chk_fail(void) { for (;;) ; }' \
            'void *memcpy(void *d, const void *s, __SIZE_TYPE__ n) { char *o = d; const char *i = s; while (n--) *o++ = *i++; return d; }' \
            'void *__memcpy_chk(void *d, const void *s, __SIZE_TYPE__ n, __SIZE_TYPE__ r) { if (n > r) __stack_chk_fail(); return memcpy(d, s, n); }' \
            '__PTRDIFF_TYPE__ read(int f, void *b, __SIZE_TYPE__ n) { (void)f; (void)b; return (__PTRDIFF_TYPE__)n; }' >stub.c
        printf '%s\n' 'void *memcpy(void *d, const void *s, __SIZE_TYPE__ n);' \
            'void *__memcpy_chk(void *d, const void *s, __SIZE_TYPE__ n, __SIZE_TYPE__ r);' \
            '__PTRDIFF_TYPE__ read(int f, void *b, __SIZE_TYPE__ n);' \
            'int run(int n, const char *s) { char b[32], t[16]; __PTRDIFF_TYPE__ g = read(0, b, (__SIZE_TYPE__)n); __memcpy_chk(t, s, (__SIZE_TYPE__)g, sizeof t); memcpy(b, t, (__SIZE_TYPE__)n); return b[n & 31]; }' \
            'void _start(void) { run(4, "abcd"); for (;;) ; }' >tiny.c
        for t in mips-linux-gnu mipsel-linux-gnu powerpc-linux-gnu i386-linux-gnu; do
            clang --target=$t -O2 -fPIC -nostdlib -shared -fuse-ld=lld -Wl,-soname,libc.so.6 stub.c -o libstub-$t.so 2>/dev/null
            clang --target=$t -O2 -fPIE -pie -nostdlib -fuse-ld=lld -fstack-protector-strong tiny.c libstub-$t.so -Wl,-e,_start \
                -Wl,--dynamic-linker=/lib/ld.so.1 -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--strip-all -o tiny-$t
            rm -f libstub-$t.so
        done
    fi
    rm -f ./*.c
)

# ---- edited/: one field changed in a copy of all-on ------------------------
python3 - "$out/built/all-on" "$out/edited" <<'PY'
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
orig = open(src, "rb").read()
def phdrs(b):
    phoff, = struct.unpack_from("<Q", b, 0x20)
    n, = struct.unpack_from("<H", b, 0x38)
    return [phoff + i * 56 for i in range(n)]
def dynamic(b):
    for at in phdrs(b):
        if struct.unpack_from("<I", b, at)[0] == 2:
            off, = struct.unpack_from("<Q", b, at + 8)
            size, = struct.unpack_from("<Q", b, at + 32)
            return [off + i * 16 for i in range(size // 16)]
    return []
def save(name, edit):
    b = bytearray(orig)
    b = edit(b) or b
    open(f"{dst}/{name}", "wb").write(b)
def sstrip(b):
    shoff, = struct.unpack_from("<Q", b, 0x28)
    struct.pack_into("<Q", b, 0x28, 0)
    struct.pack_into("<HHH", b, 0x3a, 0, 0, 0)
    return b[:shoff]
def bogus_sections(b):
    struct.pack_into("<Q", b, 0x28, 0x7fffffff0000)
def flags1_now_only(b):
    for at in dynamic(b):
        if struct.unpack_from("<q", b, at)[0] == 30:  # DT_FLAGS -> DT_DEBUG
            struct.pack_into("<q", b, at, 0x15)
def stack_rx(b):
    for at in phdrs(b):
        if struct.unpack_from("<I", b, at)[0] == 0x6474e551:
            struct.pack_into("<I", b, at + 4, 5)
save("no-section-headers", sstrip)
save("bogus-section-headers", bogus_sections)
save("bind-now-in-flags-1-only", flags1_now_only)
save("stack-rx", stack_rx)
save("cut-at-64", lambda b: b[:64])
save("cut-at-half", lambda b: b[: len(b) // 2])
save("phnum-huge", lambda b: struct.pack_into("<H", b, 0x38, 0xFFFF))
save("phoff-past-end", lambda b: struct.pack_into("<Q", b, 0x20, len(b) + 100))
PY

# ---- The file list: "set<TAB>path" ------------------------------------------
: >"$out/files.tsv"
for arch in "${arches[@]}"; do
    for pkg in "${packages[@]}"; do
        dir=$(tests/tools/debian-binary.sh "$pkg" "$arch")
        find "$dir" -type f | sort | while IFS= read -r f; do
            if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then
                printf 'debian/%s\t%s\n' "$arch" "$f"
            fi
        done >>"$out/files.tsv"
    done
done
for f in /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; do
    [ -f "$f" ] && printf 'host\t%s\n' "$f" >>"$out/files.tsv"
done
find "$out/built" "$out/edited" -type f | sort | while IFS= read -r f; do
    printf '%s\t%s\n' "$(basename "$(dirname "$f")")" "$f"
done >>"$out/files.tsv"

# ---- Both tools --------------------------------------------------------------
cut -f2 "$out/files.tsv" | xargs -d '\n' "$out/elf_report" >"$out/iotssf.tsv"
cut -f2 "$out/files.tsv" | while IFS= read -r f; do
    printf '%s\t%s\n' "$f" "$(checksec --format=json --file="$f" 2>/dev/null | tr -d '\n')"
done >"$out/checksec.tsv"

python3 - "$out" <<'PY'
import collections, json, sys
out = sys.argv[1]
fields = ["relro", "canary", "nx", "pie", "rpath", "runpath", "symbols",
          "fortify_source", "fortified", "fortify-able"]
fileset = dict(reversed(l.rstrip("\n").split("\t")) for l in open(f"{out}/files.tsv"))
ours = {}
for line in open(f"{out}/iotssf.tsv"):
    c = line.rstrip("\n").split("\t")
    ours[c[0]] = dict(zip(fields, c[1:11]), description=c[11], sections=c[12])
theirs = {}
for line in open(f"{out}/checksec.tsv"):
    path, text = line.rstrip("\n").split("\t", 1)
    try:
        theirs[path] = json.loads(text)[path]
    except (ValueError, KeyError):
        theirs[path] = {}

def kind(field, o, t):
    """The kinds of difference docs/elf-hardening.md explains."""
    if o["relro"] == "-":
        return "damaged-file"
    if o.get(field) == "unknown":
        return "static-stripped-unknown"
    if field.startswith("fortif") and "static" in o["description"]:
        return "static-symtab"
    if o["sections"] != "ok" and field in ("canary", "fortify_source", "fortified", "fortify-able"):
        return "no-section-headers"
    if field == "relro" and o[field] == "full" and t.get(field) == "partial":
        return "bind-now-in-flags-1"
    if field == "nx" and o[field] == "no" and t.get(field) == "yes":
        return "exec-stack-without-write"
    if field.startswith("fortif") and "shared library" in o["description"]:
        return "checksec-counts-definitions"
    return "other"

rows = []
for path in sorted(ours, key=lambda p: (fileset.get(p, ""), p)):
    o, t = ours[path], theirs.get(path, {})
    for field in fields:
        if o[field] != t.get(field, "(none)"):
            short = path.split("/unpacked/")[-1].split("/out/elf/")[-1]
            rows.append((fileset.get(path, "?"), short, field, t.get(field, "(none)"), o[field],
                         kind(field, o, t)))
with open(f"{out}/disagreements.tsv", "w") as f:
    f.write("set\tfile\tfield\tchecksec\tiotssf\tkind\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(f"{len(ours)} ELF files compared, {len(rows)} field disagreements\n")
print(f"{'set':14} {'file':52} {'field':14} {'checksec':9} {'iotssf':9} kind")
for r in rows:
    print(f"{r[0]:14} {r[1][-52:]:52} {r[2]:14} {r[3]:9} {r[4]:9} {r[5]}")
print("\nper kind and field:")
for (why, field), n in sorted(collections.Counter((r[5], r[2]) for r in rows).items()):
    print(f"  {why:30} {field:14} {n}")
PY
