#!/usr/bin/env bash
# Forwarding figures for this router next to the Linux kernel, from one run on one machine.
# Builds the same two-host topology twice (namespace names end in this shell's PID, so runs do not collide):
#   kernel: bfa (10.1.0.10) --veth-- bfk (kernel router, ip_forward) --veth-- bfb (10.2.0.10)
#   router: bra (10.1.0.10) --TUN-- router process (root namespace) --TUN-- brb (10.2.0.10)
# For routing only, PAT (the kernel's masquerade) and static NAT (10.1.0.10 <-> 10.9.0.10) it measures, in this
# order so that drift over the run hits all three alike: the kernel, the router on its default TUN port (the fast
# one: IFF_VNET_HDR, offloads, several queues) and the router on the plain TUN port (offload=off). Routers without
# the offload= port option (`router --help`) get no plain rows; the run says so. Then routing only again with the
# router's interfaces on Ethernet: TAP devices it creates, and AF_PACKET on veth pairs into a namespace it runs in
# (brr), each next to the kernel in the same run.
#
# Figures per row (method: /work/shared/reference/perf-tun.md 1.2, one run per figure, client in the left host):
#   TCP 1 stream and TCP 4 streams (iperf3 -P 4): end.sum_received.bits_per_second;
#   UDP 64-byte payload at -b 0: packets received per second, (packets - lost_packets) / seconds;
#   ping: average RTT of 50 pings 20 ms apart;
#   CPU ns/pkt (router rows, TCP 1 stream and UDP): the router process's utime+stime from /proc/PID/stat (all its
#     threads, 1/CLK_TCK resolution) across the test, divided by the packets the router forwarded in it. A packet
#     is a wire packet as counted by rx_packets of the receiving host's device (both hosts, both directions: data
#     and ACKs); a super-packet the router writes to a TUN device with offloads counts as the one packet that
#     device counted, so with offloads this is CPU per super-packet. The router's CPU includes the receiving
#     host's network stack, which runs in the writer's context on a TUN write.
# Ratio lines compare each router row with the kernel row of its own group; "added RTT" is router - kernel in us.
#
# --json FILE writes the whole table (the text table still goes to standard output):
#   {"kernel": uname -r, "nproc": N, "date": ISO 8601 start time, "seconds": seconds per measurement,
#    "duration_s": wall time of the run, "tun_offload_option": whether the router has offload= (plain rows),
#    "notes": [strings],
#    "rows": [{"group": "routing"|"pat"|"static"|"routing-tap"|"routing-afpacket",
#              "mode": "routing"|"pat"|"static",
#              "forwarder": "kernel"|"router-tun-fast"|"router-tun"|"router-tun-plain"|"router-tap"|"router-afpacket",
#              "tcp1_bps": int, "tcp4_bps": int, "udp_pps": int, "rtt_ms": float,
#              "cpu_ns_per_pkt_tcp1": int|null, "cpu_ns_per_pkt_udp": int|null,    (null on kernel rows)
#              "ratio_tcp1": float|null, "ratio_tcp4": float|null, "ratio_udp": float|null,
#              "added_rtt_us": int|null}]}                                         (null on kernel rows)
#   "router-tun" is the default TUN port of a router without offload= (then it is the plain port itself).
# Usage: sudo bench/forward.sh [--json FILE] [SECONDS]   (default 5 s per measurement)
set -euo pipefail
shopt -s inherit_errexit
usage() { echo "usage: sudo bench/forward.sh [--json FILE] [SECONDS]" >&2; exit 2; }
json="" secs=5 gotsecs=""
while [ $# -gt 0 ]; do
	case $1 in
	--json) [ $# -ge 2 ] && [ -n "$2" ] || usage; json=$2; shift 2 ;;
	--json=?*) json=${1#--json=}; shift ;;
	-h|--help) usage ;;
	--) shift; [ $# -le 1 ] || usage; [ $# -eq 0 ] || { secs=$1; gotsecs=1; }; break ;;
	-*) echo "forward.sh: unknown option $1" >&2; usage ;;
	*) [ -z "$gotsecs" ] || usage; secs=$1; gotsecs=1; shift ;;
	esac
done
[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -ge 1 ] && [ "$secs" -le 3600 ] || { echo "forward.sh: SECONDS must be a whole number from 1 to 3600" >&2; usage; }
secs=$(( 10#$secs )) # "08" is eight, not a bad octal number
[ "$(id -u)" = 0 ] || { echo "forward.sh: run as root" >&2; exit 1; }
if [ -n "$json" ]; then
	json=$(realpath -m -- "$json")
	: >"$json" || { echo "forward.sh: cannot write $json" >&2; exit 1; } # fail now, not after the run
fi
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
for p in iperf3 ping ip nft python3 timeout; do command -v $p >/dev/null || { echo "forward.sh: needs $p (apt-get install iperf3 iputils-ping iproute2 nftables python3)" >&2; exit 1; }; done
id=$$
bfa=bfa$id bfk=bfk$id bfb=bfb$id bra=bra$id brb=brb$id brr=brr$id
nss="$bfa $bfk $bfb $bra $brb $brr"
work=$(mktemp -d)
rpid=""
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null || true
	for n in $nss; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
go build -o "$work/router" ./cmd/router
# Whole help text first: grep -q quitting early could SIGPIPE the router and, under pipefail, hide a match.
plain="" help=$("$work/router" --help 2>&1 || true)
case $help in *offload=*) plain=1 ;; esac
# Measurements: 3 iperf3 runs of $secs per row; rows: 3 modes x (kernel, fast, plain) + 2 x (kernel, router).
rows=$(( 3 * (plain ? 3 : 2) + 4 ))
echo "forward.sh: $rows rows x 3 measurements x $secs s = $(( rows * 3 * secs )) s of measurement, about $(( rows * (3 * secs + 3) + 20 )) s in all ($(nproc) CPUs, kernel $(uname -r))"
[ -n "$plain" ] || echo "forward.sh: this router has no offload= port option: no plain TUN rows; its TUN rows are its only TUN port"
start=$(date +%s) started=$(date -Iseconds)
for n in $nss; do ip netns add "$n"; ip -n "$n" link set lo up; done

# Kernel router.
ip link add eth0 netns "$bfa" type veth peer name r0 netns "$bfk"
ip link add eth0 netns "$bfb" type veth peer name r1 netns "$bfk"
ip -n "$bfa" addr add 10.1.0.10/24 dev eth0; ip -n "$bfa" link set eth0 up; ip -n "$bfa" route add default via 10.1.0.1
ip -n "$bfb" addr add 10.2.0.10/24 dev eth0; ip -n "$bfb" link set eth0 up
ip -n "$bfk" addr add 10.1.0.1/24 dev r0; ip -n "$bfk" addr add 10.2.0.1/24 dev r1
ip -n "$bfk" link set r0 up; ip -n "$bfk" link set r1 up
ip netns exec "$bfk" sysctl -qw net.ipv4.ip_forward=1
# The server side reaches the client's and the static-NAT networks through the router, nothing else.
ip -n "$bfb" route add 10.9.0.0/24 via 10.2.0.1
ip -n "$bfb" route add 10.1.0.0/24 via 10.2.0.1

# This router, restarted for each row with a startup-config of its own.
base='hostname BR
interface GigabitEthernet0/0
 ip address 10.1.0.1 255.255.255.0
 no shutdown
interface GigabitEthernet0/1
 ip address 10.2.0.1 255.255.255.0
 no shutdown'
nat_pat='interface GigabitEthernet0/0
 ip nat inside
interface GigabitEthernet0/1
 ip nat outside
access-list 1 permit 10.1.0.0 0.0.0.255
ip nat inside source list 1 interface GigabitEthernet0/1 overload'
nat_static='interface GigabitEthernet0/0
 ip nat inside
interface GigabitEthernet0/1
 ip nat outside
ip nat inside source static 10.1.0.10 10.9.0.10'
stop_router() {
	[ -n "$rpid" ] || return 0
	kill "$rpid" 2>/dev/null || true
	wait "$rpid" 2>/dev/null || true
	rpid=""
}
start_router() { # extra config lines, tun|tap|eth, extra port options (",offload=off")
	stop_router
	printf '%s\n%s\nend\n' "$base" "$1" >"$work/r.cfg"
	case $2 in
	tun|tap) "$work/router" --daemon --startup-config "$work/r.cfg" \
		--port "g0/0=$2:a$id,netns=$bra,name=eth0,addr=10.1.0.10/24,gw=10.1.0.1$3" \
		--port "g0/1=$2:b$id,netns=$brb,name=eth0,addr=10.2.0.10/24$3" >"$work/router.log" 2>&1 &
		;;
	eth) # The hosts' ends of veth pairs into brr, where the router runs on the other ends.
		ip link add eth0 netns "$bra" type veth peer name e0 netns "$brr"
		ip link add eth0 netns "$brb" type veth peer name e1 netns "$brr"
		ip -n "$bra" addr add 10.1.0.10/24 dev eth0; ip -n "$bra" link set eth0 up; ip -n "$bra" route add default via 10.1.0.1
		ip -n "$brb" addr add 10.2.0.10/24 dev eth0; ip -n "$brb" link set eth0 up
		ip -n "$brr" link set e0 up; ip -n "$brr" link set e1 up
		# ip netns exec execs the router, so $! is the router's PID.
		ip netns exec "$brr" "$work/router" --daemon --startup-config "$work/r.cfg" --port g0/0=eth:e0 --port g0/1=eth:e1 >"$work/router.log" 2>&1 &
		;;
	esac
	rpid=$!
	for _ in $(seq 50); do
		kill -0 "$rpid" 2>/dev/null || break
		ip -n "$brb" route replace 10.9.0.0/24 via 10.2.0.1 dev eth0 2>/dev/null &&
			ip -n "$brb" route replace 10.1.0.0/24 via 10.2.0.1 dev eth0 2>/dev/null &&
			ip netns exec "$bra" ping -c1 -W1 10.2.0.10 >/dev/null 2>&1 && return
		sleep 0.2
	done
	echo "forward.sh: the router ($2$3) did not come up; its output:" >&2
	cat "$work/router.log" >&2
	exit 1
}
# The kernel's NAT for the same modes (nftables), on the kernel router namespace.
kernel_nat() { # routing|pat|static
	ip netns exec "$bfk" nft flush ruleset
	case $1 in
	pat) ip netns exec "$bfk" nft -f - <<'NFT'
table ip nat {
  chain post {
    type nat hook postrouting priority srcnat
    ip saddr 10.1.0.0/24 oifname "r1" masquerade
  }
}
NFT
	;;
	static) ip netns exec "$bfk" nft -f - <<'NFT'
table ip nat {
  chain pre {
    type nat hook prerouting priority dstnat
    ip daddr 10.9.0.10 dnat to 10.1.0.10
  }
  chain post {
    type nat hook postrouting priority srcnat
    ip saddr 10.1.0.10 oifname "r1" snat to 10.9.0.10
  }
}
NFT
	;;
	esac
}

hz=$(getconf CLK_TCK)
cpu_ticks() { # pid -> utime+stime of all its threads, in clock ticks
	local s; s=$(<"/proc/$1/stat")
	s=${s##*) } # past the command name, which may hold spaces; field 3 (state) is now the first
	# shellcheck disable=SC2086
	set -- $s
	echo $(( ${12} + ${13} ))
}
rx_packets() { # ns... -> sum of eth0 rx_packets in those namespaces
	local n sum=0
	for n in "$@"; do sum=$(( sum + $(ip netns exec "$n" cat /sys/class/net/eth0/statistics/rx_packets) )); done
	echo $sum
}
ns_per_pkt() { # ticks packets -> ns per packet, or "-" when nothing was counted
	if [ "$2" -gt 0 ]; then echo $(( $1 * 1000000000 / hz / $2 )); else echo -; fi
}
iperf() { # client-ns server-ns port iperf3-client-options... -> iperf3 JSON on stdout
	local c=$1 s=$2 port=$3; shift 3
	ip netns exec "$s" iperf3 -s -D -1 -p "$port" >/dev/null
	sleep 0.3
	timeout $(( secs + 30 )) ip netns exec "$c" iperf3 -c 10.2.0.10 -p "$port" -t "$secs" -J "$@"
}
measure() { # client-ns server-ns [router pid] -> "tcp1_bps tcp4_bps udp_pps rtt_ms cpu_tcp1 cpu_udp"
	local c=$1 s=$2 pid=${3:-} t0 p0 tcp1 tcp4 udp rtt cpu1=- cpuu=-
	[ -z "$pid" ] || { t0=$(cpu_ticks "$pid"); p0=$(rx_packets "$c" "$s"); }
	tcp1=$(iperf "$c" "$s" 5201 | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
	[ -z "$pid" ] || cpu1=$(ns_per_pkt $(( $(cpu_ticks "$pid") - t0 )) $(( $(rx_packets "$c" "$s") - p0 )))
	tcp4=$(iperf "$c" "$s" 5202 -P 4 | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
	[ -z "$pid" ] || { t0=$(cpu_ticks "$pid"); p0=$(rx_packets "$c" "$s"); }
	udp=$(iperf "$c" "$s" 5203 -u -l 64 -b 0 | python3 -c '
import json,sys
e=json.load(sys.stdin)["end"]["sum"]
print(int((e["packets"]-e["lost_packets"])/e["seconds"]))')
	[ -z "$pid" ] || cpuu=$(ns_per_pkt $(( $(cpu_ticks "$pid") - t0 )) $(( $(rx_packets "$c" "$s") - p0 )))
	rtt=$(ip netns exec "$c" ping -q -c 50 -i 0.02 -W 1 10.2.0.10 | awk -F/ '/^rtt/ {print $5}')
	[ -n "$rtt" ] || { echo "forward.sh: no ping replies from $c" >&2; return 1; }
	echo "$tcp1 $tcp4 $udp $rtt $cpu1 $cpuu"
}

# The table: text on standard output as it goes, and one tab-separated line per row in $work/rows for the JSON.
fmt='%-28s %9s %9s %12s %10s %9s %9s\n'
printf "$fmt" "forwarder" "TCP1" "TCP4" "UDP 64B" "ping RTT" "CPU/pkt" "CPU/pkt"
printf "$fmt" "" "Gbit/s" "Gbit/s" "pkt/s" "ms" "TCP1 ns" "UDP ns"
: >"$work/rows"
kt1="" kt4="" ku="" kr=""
row() { # group mode forwarder label client-ns server-ns [router pid]
	local r t1 t4 u rtt c1 cu
	r=$(measure "$5" "$6" "${7:-}")
	read -r t1 t4 u rtt c1 cu <<<"$r"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$t1" "$t4" "$u" "$rtt" "$c1" "$cu" >>"$work/rows"
	printf "$fmt" "$4" "$(python3 -c "print(f'{$t1/1e9:.2f}')")" "$(python3 -c "print(f'{$t4/1e9:.2f}')")" "$u" "$rtt" "$c1" "$cu"
	if [ "$3" = kernel ]; then
		kt1=$t1 kt4=$t4 ku=$u kr=$rtt
	else
		printf "$fmt" "  ratio to kernel" $(python3 -c "
r = lambda a, b: f'{a/b:.2f}' if b else 'n/a'
print(r($t1, $kt1), r($t4, $kt4), r($u, $ku), f'+{($rtt-$kr)*1000:.0f}us')")
	fi
}
for mode in routing pat static; do
	case $mode in
	routing) cfg="" label="routing only" ;;
	pat) cfg=$nat_pat label="PAT (masquerade)" ;;
	static) cfg=$nat_static label="static NAT" ;;
	esac
	echo "-- $label"
	kernel_nat $mode
	stop_router
	row "$mode" "$mode" kernel "kernel" "$bfa" "$bfb"
	start_router "$cfg" tun ""
	if [ -n "$plain" ]; then
		row "$mode" "$mode" router-tun-fast "router TUN fast (default)" "$bra" "$brb" "$rpid"
		start_router "$cfg" tun ",offload=off"
		row "$mode" "$mode" router-tun-plain "router TUN plain" "$bra" "$brb" "$rpid"
	else
		row "$mode" "$mode" router-tun "router TUN" "$bra" "$brb" "$rpid"
	fi
done
kernel_nat routing
for kind in tap eth; do
	label="TAP" fwd=router-tap; [ $kind = eth ] && label="AF_PACKET" fwd=router-afpacket
	echo "-- routing only, router on Ethernet ($label)"
	stop_router
	row "routing-${fwd#router-}" routing kernel "kernel" "$bfa" "$bfb"
	start_router "" $kind ""
	row "routing-${fwd#router-}" routing "$fwd" "router $label" "$bra" "$brb" "$rpid"
done
stop_router
secs_total=$(( $(date +%s) - start ))
echo "forward.sh: done in $secs_total s"

[ -z "$json" ] || python3 - "$work/rows" "$json" "$(uname -r)" "$(nproc)" "$started" "$secs" "$secs_total" "$plain" <<'PY'
import json, sys
rows_file, out, kernel, nproc, date, secs, total, plain = sys.argv[1:]
rows, base = [], {}
for line in open(rows_file):
    group, mode, fwd, t1, t4, u, rtt, c1, cu = line.rstrip("\n").split("\t")
    r = {"group": group, "mode": mode, "forwarder": fwd,
         "tcp1_bps": int(t1), "tcp4_bps": int(t4), "udp_pps": int(u), "rtt_ms": float(rtt),
         "cpu_ns_per_pkt_tcp1": None if c1 == "-" else int(c1),
         "cpu_ns_per_pkt_udp": None if cu == "-" else int(cu),
         "ratio_tcp1": None, "ratio_tcp4": None, "ratio_udp": None, "added_rtt_us": None}
    if fwd == "kernel":
        base[group] = r
    else:
        k = base[group]
        ratio = lambda a, b: round(a / b, 3) if b else None
        r["ratio_tcp1"] = ratio(r["tcp1_bps"], k["tcp1_bps"])
        r["ratio_tcp4"] = ratio(r["tcp4_bps"], k["tcp4_bps"])
        r["ratio_udp"] = ratio(r["udp_pps"], k["udp_pps"])
        r["added_rtt_us"] = round((r["rtt_ms"] - k["rtt_ms"]) * 1000)
    rows.append(r)
notes = [] if plain else ["the router has no offload= TUN port option: no plain TUN rows, router-tun is its only TUN port"]
doc = {"kernel": kernel, "nproc": int(nproc), "date": date, "seconds": int(secs), "duration_s": int(total),
       "tun_offload_option": bool(plain), "notes": notes, "rows": rows}
with open(out, "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
PY
[ -z "$json" ] || echo "forward.sh: wrote $json"
