#!/usr/bin/env bash
# A real device for the probe tests and bench: real Debian daemons on the
# loopback of a network namespace this script creates, with accounts of
# their own (a private mount namespace bind-mounts its own passwd, shadow
# and group over /etc inside the namespace only). Nothing listens outside
# the namespace, and nothing outside it is ever probed.
#
#   netns_device.sh start NS weak|hardened    create NS, start the daemons
#   netns_device.sh stop NS                   stop them, delete NS
#   netns_device.sh check                     exit 77 with the reason when this
#                                             machine cannot run the device
#
# weak: busybox telnetd with a login on 23 (root:xc3511, support:support,
#   both in Mirai's list) and a shell without login on 2323; dropbear with
#   password logins on 22 (same accounts); vsftpd with anonymous login on 21;
#   mosquitto with allow_anonymous on 1883; snmpd answering "public" and
#   "private" on 161/udp; lighttpd with Basic auth (admin:admin) on 80 and
#   on 8443 over TLS 1.0+ with an expired, self-signed 1024-bit certificate;
#   libcoap's coap-server on 5683/udp; miniupnpd as an Internet Gateway
#   Device (SSDP on 1900/udp, control on 5000) for the namespace's loopback,
#   with a veth pair as its "WAN" (192.0.2.2, TEST-NET-1, inside NS only);
#   rtsp-server-perl on 554 serving, without authentication, a camera
#   stream at /Streaming/Channels/101 that a source connection announces
#   (ANNOUNCE with an H.264 SDP on 5545, held open; the path is one of
#   data/probe/rtsp-paths.txt, and "/" answers 404).
# hardened: the same daemons set up properly: no telnet, dropbear without
#   passwords, vsftpd without anonymous and with strong passwords, mosquitto
#   with a password file, snmpd with a non-default community, lighttpd on
#   TLS only (443, modern TLS, 2048-bit certificate) with a strong password
#   and no version in its Server header; and a lockout of FTP guessing the
#   way many routers do it, in the firewall: a source that opens more than
#   8 FTP connections is refused for an hour
#   (nftables, per source address, across connections).
#
# State (configs, logs, pids) lives in $IOTSSF_DEVICE_DIR or /tmp/NS.dev.
# Needs root, iproute2, util-linux (unshare) and the Debian packages
# busybox-static (fetched by tests/tools/debian-binary.sh), dropbear-bin,
# vsftpd, mosquitto, snmpd, lighttpd, openssl, libcoap3-bin,
# miniupnpd-nftables (its firewall is never set up: the test gateway only
# answers, it forwards nothing), nftables (the hardened FTP lockout),
# rtsp-server-perl.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

die() {
    echo "netns_device: $*" >&2
    exit 1
}

skip() {
    echo "netns_device: cannot run the device here: $*" >&2
    exit 77
}

check() {
    [ "$(id -u)" = 0 ] || skip "not root (network namespaces need root)"
    local missing=()
    for tool in ip unshare mount dropbear dropbearkey vsftpd mosquitto mosquitto_passwd snmpd \
        lighttpd openssl ss coap-server-notls miniupnpd nft rtsp-server-perl; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    [ ${#missing[@]} -eq 0 ] || skip "missing ${missing[*]} (Debian: iproute2 util-linux" \
        "dropbear-bin vsftpd mosquitto snmpd lighttpd openssl libcoap3-bin miniupnpd-nftables" \
        "nftables rtsp-server-perl)"
    [ -f /usr/lib/lighttpd/mod_openssl.so ] || skip "lighttpd has no mod_openssl"
    ip netns add "iotssf-probe-check-$$" 2>/dev/null || skip "cannot create a network namespace"
    ip netns del "iotssf-probe-check-$$"
}

busybox_path() {
    local dir
    dir=$("$root/tests/tools/debian-binary.sh" busybox-static 2>/dev/null) ||
        skip "cannot fetch busybox-static"
    [ -x "$dir/bin/busybox" ] || skip "busybox-static has no bin/busybox"
    echo "$dir/bin/busybox"
}

hash_of() {
    openssl passwd -6 -salt "$(openssl rand -hex 8)" "$1"
}

strong() {
    openssl rand -hex 16
}

# passwd, shadow and group of the device: the host's system accounts
# (the daemons' users), root and support with the mode's passwords.
write_accounts() {
    local state=$1 root_pw=$2 support_pw=$3
    mkdir -p "$state/home"
    grep -v -E '^(root|support):' /etc/passwd >"$state/passwd.tmp"
    {
        echo "root:x:0:0:root:$state/home:/bin/sh"
        cat "$state/passwd.tmp"
        echo "support:x:1500:1500:support:$state/home:/bin/sh"
    } >"$state/passwd"
    rm -f "$state/passwd.tmp"
    { grep -v -E '^support:' /etc/group; echo "support:x:1500:"; } >"$state/group"
    {
        echo "root:$(hash_of "$root_pw"):19000:0:99999:7:::"
        cut -d: -f1 "$state/passwd" | grep -v -E '^(root|support)$' |
            sed 's/$/:*:19000:0:99999:7:::/'
        echo "support:$(hash_of "$support_pw"):19000:0:99999:7:::"
    } >"$state/shadow"
    chmod 640 "$state/shadow"
}

make_cert() {
    local state=$1 name=$2 bits=$3 start=$4 end=$5
    local ca="$state/ca-$name"
    mkdir -p "$ca"
    printf '[ca]\ndefault_ca=d\n[d]\ndir=%s\ndatabase=%s/index.txt\nnew_certs_dir=%s\nserial=%s/serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n' \
        "$ca" "$ca" "$ca" "$ca" >"$ca/ca.cnf"
    : >"$ca/index.txt"
    echo 01 >"$ca/serial"
    openssl req -new -newkey "rsa:$bits" -nodes -keyout "$ca/key.pem" -out "$ca/req.csr" \
        -subj "/CN=iotssf-test-device" 2>/dev/null || die "openssl req failed"
    openssl ca -batch -config "$ca/ca.cnf" -selfsign -keyfile "$ca/key.pem" -in "$ca/req.csr" \
        -out "$ca/cert.pem" -startdate "$start" -enddate "$end" -notext >/dev/null 2>&1 ||
        die "openssl ca failed"
    cat "$ca/cert.pem" "$ca/key.pem" >"$state/$name.pem"
}

write_configs() {
    local state=$1 mode=$2 bb=$3
    mkdir -p "$state/bin" "$state/ftp" "$state/empty" "$state/www"
    chmod 755 "$state/ftp" "$state/empty"
    ln -sf "$bb" "$state/bin/login"
    ln -sf "$bb" "$state/bin/sh"
    echo "iotssf test device" >"$state/www/index.html"
    echo "hello" >"$state/ftp/readme.txt"
    dropbearkey -t ed25519 -f "$state/dropbear_key" >/dev/null 2>&1 || die "dropbearkey failed"

    local anonymous=YES local_users=NO banner="" community_ro=public community_rw=private
    local mqtt_anon=true web_user=admin web_pw=admin
    if [ "$mode" = hardened ]; then
        anonymous=NO local_users=YES banner="ftpd_banner=FTP service"
        community_ro=$(strong) community_rw=$(strong) mqtt_anon=false web_pw=$(strong)
    fi
    cat >"$state/vsftpd.conf" <<EOF
listen=YES
listen_address=127.0.0.1
listen_port=21
background=NO
anonymous_enable=$anonymous
local_enable=$local_users
write_enable=NO
anon_root=$state/ftp
secure_chroot_dir=$state/empty
ftp_username=ftp
nopriv_user=nobody
seccomp_sandbox=NO
xferlog_enable=NO
pam_service_name=vsftpd
$banner
EOF
    {
        echo "listener 1883 127.0.0.1"
        echo "allow_anonymous $mqtt_anon"
        echo "persistence false"
        echo "user root"
        echo "log_dest file $state/mosquitto.log"
        if [ "$mode" = hardened ]; then echo "password_file $state/mosquitto.passwd"; fi
    } >"$state/mosquitto.conf"
    : >"$state/mosquitto.passwd"
    if [ "$mode" = hardened ]; then
        mosquitto_passwd -b "$state/mosquitto.passwd" sensor "$(strong)" >/dev/null 2>&1 ||
            die "mosquitto_passwd failed"
    fi
    cat >"$state/snmpd.conf" <<EOF
rocommunity $community_ro 127.0.0.1
rwcommunity $community_rw 127.0.0.1
sysDescr iotssf test camera firmware 1.0
sysName testcam
EOF
    echo "$web_user:$web_pw" >"$state/lighttpd.users"
    cat >"$state/miniupnpd.conf" <<EOF
ext_ifname=wan0
listening_ip=lo
http_port=5000
enable_natpmp=no
enable_upnp=yes
secure_mode=yes
system_uptime=yes
uuid=5e1f7c2a-0000-4000-8000-00000000a001
allow 1024-65535 127.0.0.0/8 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF
    if [ "$mode" = weak ]; then
        make_cert "$state" web 1024 20200101000000Z 20210101000000Z
        cat >"$state/lighttpd.conf" <<EOF
server.modules = ("mod_indexfile", "mod_auth", "mod_authn_file", "mod_openssl", "mod_staticfile")
index-file.names = ("index.html")
server.document-root = "$state/www"
server.bind = "127.0.0.1"
server.port = 80
server.errorlog = "$state/lighttpd.log"
auth.backend = "plain"
auth.backend.plain.userfile = "$state/lighttpd.users"
auth.require = ("/" => ("method" => "basic", "realm" => "device", "require" => "valid-user"))
\$SERVER["socket"] == "127.0.0.1:8443" {
    ssl.engine = "enable"
    ssl.pemfile = "$state/web.pem"
    ssl.openssl.ssl-conf-cmd = ("MinProtocol" => "TLSv1", "CipherString" => "DEFAULT:@SECLEVEL=0")
}
EOF
    else
        make_cert "$state" web 2048 "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)" \
            "$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)"
        cat >"$state/lighttpd.conf" <<EOF
server.modules = ("mod_indexfile", "mod_auth", "mod_authn_file", "mod_openssl", "mod_staticfile")
index-file.names = ("index.html")
server.document-root = "$state/www"
server.bind = "127.0.0.1"
server.port = 443
server.tag = ""
server.errorlog = "$state/lighttpd.log"
ssl.engine = "enable"
ssl.pemfile = "$state/web.pem"
auth.backend = "plain"
auth.backend.plain.userfile = "$state/lighttpd.users"
auth.require = ("/" => ("method" => "basic", "realm" => "device", "require" => "valid-user"))
EOF
    fi
}

# The camera: announces its stream to the RTSP server and holds the
# connection (the server drops the stream when its source goes).
write_rtsp_source() {
    local state=$1
    cat >"$state/rtsp-source.sh" <<'EOF'
sdp=$(printf 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=iotssf test camera\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n')
for _ in $(seq 1 100); do
    exec 3<>/dev/tcp/127.0.0.1/5545 && break
    sleep 0.1
done
printf 'ANNOUNCE rtsp://127.0.0.1:5545/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s' "${#sdp}" "$sdp" >&3
exec sleep 86400 <&3
EOF
}

# Runs inside the namespace, in a private mount namespace.
write_inside() {
    local state=$1 mode=$2 bb=$3
    local dropbear_flags=""
    [ "$mode" = hardened ] && dropbear_flags="-s -g"
    cat >"$state/inside.sh" <<EOF
set -e
mount --bind "$state/passwd" /etc/passwd
mount --bind "$state/shadow" /etc/shadow
mount --bind "$state/group" /etc/group
start() { local name=\$1; shift; setsid "\$@" >"$state/\$name.out" 2>&1 </dev/null & echo \$! >>"$state/pids"; }
if [ "$mode" = weak ]; then
    start telnetd "$bb" telnetd -F -b 127.0.0.1:23 -l "$state/bin/login"
    start backdoor "$bb" telnetd -F -b 127.0.0.1:2323 -l "$state/bin/sh"
    start coap coap-server-notls -A 127.0.0.1 -p 5683
    # The gateway: SSDP needs a multicast-capable LAN interface, and a WAN.
    ip link set lo multicast on
    ip link add wan0 type veth peer name wan1
    ip addr add 192.0.2.2/24 dev wan0
    ip link set wan0 up
    ip link set wan1 up
    start miniupnpd miniupnpd -d -f "$state/miniupnpd.conf" -P "$state/miniupnpd.pid"
    start rtsp rtsp-server-perl --clientport 554 --serverport 5545 \
        --client_listen_address 127.0.0.1 --source_listen_address 127.0.0.1 --loglevel 1
    start rtsp-source bash "$state/rtsp-source.sh"
fi
start dropbear dropbear -F -E $dropbear_flags -p 127.0.0.1:22 -r "$state/dropbear_key"
start vsftpd vsftpd "$state/vsftpd.conf"
start mosquitto mosquitto -c "$state/mosquitto.conf"
start snmpd env SNMP_PERSISTENT_DIR="$state/snmp" MIBS= snmpd -f -Lo -C -I -smux -c "$state/snmpd.conf" udp:127.0.0.1:161
start lighttpd lighttpd -D -f "$state/lighttpd.conf"
EOF
}

# The hardened device's lockout of login guessing over FTP.
ftp_lockout() {
    ip netns exec "$1" nft -f - <<'EOF'
table ip login_guard {
    set ftp_sources {
        type ipv4_addr
        flags dynamic
        timeout 10m
    }
    chain input {
        type filter hook input priority filter; policy accept;
        tcp dport 21 ct state new add @ftp_sources { ip saddr limit rate over 1/hour burst 8 packets } reject with tcp reset
    }
}
EOF
}

wait_ready() {
    local ns=$1 mode=$2
    local tcp="21 22 1883 80 8443 23 2323 5000 554 5545"
    [ "$mode" = hardened ] && tcp="21 22 1883 443"
    for _ in $(seq 1 100); do
        local listening missing=0
        listening=$(ip netns exec "$ns" ss -Hltn 2>/dev/null)
        for p in $tcp; do
            grep -q -E "(127.0.0.1|\*%lo):$p " <<<"$listening" || missing=1
        done
        listening=$(ip netns exec "$ns" ss -Hlun 2>/dev/null)
        grep -q "127.0.0.1:161 " <<<"$listening" || missing=1
        if [ "$mode" = weak ]; then
            grep -q "127.0.0.1:5683 " <<<"$listening" || missing=1
            grep -q "%lo:1900 " <<<"$listening" || missing=1
            # The camera's stream is announced once its source is connected.
            ip netns exec "$ns" ss -Htn state established '( dport = :5545 )' 2>/dev/null |
                grep -q . || missing=1
        fi
        [ $missing = 0 ] && return 0
        sleep 0.1
    done
    return 1
}

stop() {
    local ns=$1 state=$2
    if [ -f "$state/pids" ]; then
        while read -r pid; do kill "$pid" 2>/dev/null; done <"$state/pids"
    fi
    if ip netns list 2>/dev/null | grep -qw "$ns"; then
        # What is left in the namespace was started by us (logins, shells).
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
        sleep 0.2
        ip netns del "$ns" 2>/dev/null
    fi
    case "$state" in /tmp/*.dev) rm -rf "$state" ;; esac
}

cmd=${1:-}
case "$cmd" in
check)
    check
    busybox_path >/dev/null
    ;;
start)
    [ $# -eq 3 ] || die "usage: $0 start NS weak|hardened"
    ns=$2 mode=$3
    case "$mode" in weak | hardened) ;; *) die "mode is weak or hardened" ;; esac
    check
    bb=$(busybox_path)
    state=${IOTSSF_DEVICE_DIR:-/tmp/$ns.dev}
    stop "$ns" "$state"
    mkdir -p "$state"
    if [ "$mode" = weak ]; then
        write_accounts "$state" xc3511 support
    else
        write_accounts "$state" "$(strong)" "$(strong)"
    fi
    write_configs "$state" "$mode" "$bb"
    write_inside "$state" "$mode" "$bb"
    write_rtsp_source "$state"
    ip netns add "$ns" || die "cannot create namespace $ns"
    ip netns exec "$ns" ip link set lo up
    if [ "$mode" = hardened ]; then
        ftp_lockout "$ns" || { stop "$ns" "$state"; die "cannot set up the FTP lockout"; }
    fi
    ip netns exec "$ns" unshare -m --propagation private bash "$state/inside.sh" ||
        { stop "$ns" "$state"; die "starting the daemons failed"; }
    if ! wait_ready "$ns" "$mode"; then
        echo "netns_device: daemons did not come up; their output:" >&2
        tail -n 5 "$state"/*.out "$state"/*.log >&2 2>/dev/null
        stop "$ns" "$state"
        exit 1
    fi
    echo "$state"
    ;;
stop)
    [ $# -eq 2 ] || die "usage: $0 stop NS"
    stop "$2" "${IOTSSF_DEVICE_DIR:-/tmp/$2.dev}"
    ;;
*)
    die "usage: $0 start NS weak|hardened | stop NS | check"
    ;;
esac
