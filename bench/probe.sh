#!/usr/bin/env bash
# The device probe's floors (issue 5), measured against the test device of
# tests/probe/netns_device.sh (real Debian daemons in a network namespace
# this script creates and deletes; the only target is that namespace's
# 127.0.0.1):
#   1. iotssf probe, every check (IoT port set, identification, telnet and
#      backdoor, default logins with the shipped lists, anonymous FTP/MQTT,
#      SNMP communities, HTTP Basic, TLS, CoAP)
#      vs nmap -sT -sV on the same TCP ports            floor: < 1/10 of nmap's time
#   2. the same iotssf run vs nmap's NSE scripts for the same checks with
#      the same credential pairs (telnet-brute, ssh-brute, ftp-anon,
#      ftp-brute, http-brute, mqtt-subscribe, snmp-brute, ssl-enum-ciphers,
#      ssl-cert)
#   3. a full 65535-port TCP sweep: iotssf probe --ports all --scan-only
#      vs nmap -sT -p-                                  floor: no slower
#
#   bench/probe.sh            (root; needs nmap and the device's packages)
#
# The CLI is build/iotssf (`make build`) or $IOTSSF_CLI. Logins run at
# --rate 1000 --parallel 64: the device is ours (the defaults, 5 per second
# per target and 16 sessions, are for other people's devices). The login
# checks are bounded by the daemons' own throttling, not by the probe:
# BusyBox login answers a wrong password after 3 s (and its telnetd listens
# with a backlog of 1), dropbear after 250-350 ms and takes at most 5
# unauthenticated connections per address; so the run is also timed with
# --no-logins, every other check. Each tool runs once; NSE is
# cut off after BENCH_NSE_LIMIT seconds (900). The run's results go to
# bench/out/probe-result.md; BENCH_RECORD=1 also appends them to
# bench/RESULTS.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cli=${IOTSSF_CLI:-build/iotssf}
out=bench/out
ns=iotssf-bench-$$
nse_limit=${BENCH_NSE_LIMIT:-900}
export IOTSSF_DATA=${IOTSSF_DATA:-$root/data}

[ -x "$cli" ] || { echo "bench: $cli is missing; 'make build' first" >&2; exit 2; }
command -v nmap >/dev/null || { echo "bench: nmap is missing (apt-get install nmap)" >&2; exit 2; }
tests/probe/netns_device.sh check || { echo "bench: the test device cannot run here" >&2; exit 2; }
mkdir -p "$out"

cleanup() { tests/probe/netns_device.sh stop "$ns" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM
tests/probe/netns_device.sh start "$ns" weak >/dev/null

inside() { ip netns exec "$ns" "$@"; }
now() { date +%s.%N; }
# Runs a command inside the namespace; prints its wall seconds.
timed() {
    local log=$1
    shift
    local t0 t1
    t0=$(now)
    inside "$@" >"$log" 2>&1 || true
    t1=$(now)
    echo "$t1 - $t0" | bc -l | xargs printf '%.2f'
}

tcp_ports=$(awk '/^  - \{port:|^  - port:/ { if ($0 ~ /udp/ || $0 ~ /iot: false/) next;
    match($0, /port: [0-9]+/); print substr($0, RSTART + 6, RLENGTH - 6) }' data/probe/ports.yaml |
    sort -n | paste -sd, -)

# The shipped pairs as NSE's brute.credfile wants them: user/password.
grep -hv '^#' data/creds/*.txt | grep . | sed 's|:|/|' | awk '!seen[$0]++' >"$out/nse-creds.txt"
printf 'public\nprivate\n' >"$out/nse-communities.txt"
pairs=$(wc -l <"$out/nse-creds.txt")

echo "device up in namespace $ns; IoT TCP ports: $tcp_ports; $pairs credential pairs"

t_iotssf=$(timed "$out/probe-iotssf.txt" "$cli" probe 127.0.0.1 --rate 1000 --parallel 64 -q)
findings=$(grep -c -E '^  (CRITICAL|HIGH|MEDIUM|LOW|INFO) ' "$out/probe-iotssf.txt" || true)
attempts=$(sed -n 's/.*, \([0-9]*\) login attempts/\1/p' "$out/probe-iotssf.txt" | head -n 1)
echo "iotssf probe, all checks:            ${t_iotssf} s ($findings findings, $attempts login attempts)"
t_nologin=$(timed "$out/probe-iotssf-nologin.txt" "$cli" probe 127.0.0.1 --no-logins -q)
findings_nologin=$(grep -c -E '^  (CRITICAL|HIGH|MEDIUM|LOW|INFO) ' "$out/probe-iotssf-nologin.txt" || true)
echo "iotssf probe --no-logins:            ${t_nologin} s ($findings_nologin findings)"

t_sv=$(timed "$out/probe-nmap-sV.txt" nmap -sT -sV -p "$tcp_ports" 127.0.0.1)
echo "nmap -sT -sV, same TCP ports:        ${t_sv} s"

scripts=telnet-brute,ssh-brute,ftp-anon,ftp-brute,http-brute,mqtt-subscribe,snmp-brute,ssl-enum-ciphers,ssl-cert
t_nse=$(timed "$out/probe-nmap-nse.txt" timeout "$nse_limit" nmap -sT -sU \
    -p "T:21,22,23,80,1883,2323,8443,U:161" --script "$scripts" \
    --script-args "brute.credfile=$root/$out/nse-creds.txt,snmp-brute.communitiesdb=$root/$out/nse-communities.txt,mqtt-subscribe.topic=\$SYS/#,http-brute.path=/" \
    127.0.0.1)
nse_note="completed"
grep -q "Nmap done" "$out/probe-nmap-nse.txt" || nse_note="cut off after ${nse_limit} s"
echo "nmap NSE, same checks and pairs:     ${t_nse} s ($nse_note)"

t_sweep=$(timed "$out/probe-iotssf-sweep.txt" "$cli" probe 127.0.0.1 --ports all --scan-only -q)
t_nmap_sweep=$(timed "$out/probe-nmap-sweep.txt" nmap -sT -p- 127.0.0.1)
open_iotssf=$(grep -c -E '^  [0-9]+/tcp' "$out/probe-iotssf-sweep.txt" || true)
open_nmap=$(grep -c -E '^[0-9]+/tcp +open' "$out/probe-nmap-sweep.txt" || true)
echo "iotssf 65535-port TCP sweep:         ${t_sweep} s ($open_iotssf open)"
echo "nmap -sT -p-:                        ${t_nmap_sweep} s ($open_nmap open)"

ratio() { echo "$1 / $2" | bc -l | xargs printf '%.3f'; }
r_sv=$(ratio "$t_iotssf" "$t_sv")
r_nologin=$(ratio "$t_nologin" "$t_sv")
r_nse=$(ratio "$t_iotssf" "$t_nse")
r_sweep=$(ratio "$t_sweep" "$t_nmap_sweep")
verdict() { if [ "$(echo "$1 $2" | bc -l)" = 1 ]; then echo met; else echo MISSED; fi; }
v_sv=$(verdict "$r_sv" "< 0.1")
v_nologin=$(verdict "$r_nologin" "< 0.1")
v_sweep=$(verdict "$r_sweep" "<= 1")
echo "iotssf / nmap -sV:  $r_sv (floor < 0.1: $v_sv)"
echo "iotssf --no-logins / nmap -sV:  $r_nologin (floor < 0.1: $v_nologin)"
echo "iotssf / nmap NSE:  $r_nse"
echo "sweep iotssf / nmap -sT -p-: $r_sweep (floor <= 1: $v_sweep)"

{
    echo
    echo "## $(date -u +%Y-%m-%d): device probe (bench/probe.sh)"
    echo
    echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
    echo "- build: $("$cli" version 2>/dev/null || echo "$cli") at $cli; $(nmap --version | head -n 1)"
    echo "- device: tests/probe/netns_device.sh weak (busybox telnetd x2, dropbear, vsftpd, mosquitto, snmpd, lighttpd, coap-server, miniupnpd, rtsp-server-perl) in a network namespace, target 127.0.0.1"
    echo "- credentials: data/creds/*.txt, $pairs distinct pairs (nmap: brute.credfile of the same pairs)"
    echo
    echo "| run | wall s | note |"
    echo "|---|---:|---|"
    echo "| iotssf probe 127.0.0.1 --rate 1000 --parallel 64 | $t_iotssf | every check, IoT TCP+UDP set; $findings findings, $attempts login attempts |"
    echo "| iotssf probe 127.0.0.1 --no-logins | $t_nologin | every check but credential guessing; $findings_nologin findings |"
    echo "| nmap -sT -sV -p (IoT TCP set) | $t_sv | identification only |"
    echo "| nmap NSE ($scripts) | $t_nse | $nse_note |"
    echo "| iotssf probe --ports all --scan-only | $t_sweep | $open_iotssf open |"
    echo "| nmap -sT -p- | $t_nmap_sweep | $open_nmap open |"
    echo
    echo "iotssf all checks / nmap -sV: $r_sv (floor < 0.1: $v_sv); without credential guessing:"
    echo "$r_nologin (floor < 0.1: $v_nologin); iotssf all checks / NSE: $r_nse;"
    echo "65535-port sweep iotssf / nmap: $r_sweep (floor <= 1: $v_sweep)."
} >"$out/probe-result.md"
if [ "${BENCH_RECORD:-0}" = 1 ]; then
    cat "$out/probe-result.md" >>bench/RESULTS.md
    echo "appended to bench/RESULTS.md"
fi
