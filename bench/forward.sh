#!/usr/bin/env bash
# Forwarding figures for this router next to the Linux kernel, from one run on one machine.
# Builds the same two-host topology twice:
#   kernel: bfa (10.1.0.10) --veth-- bfk (kernel router, ip_forward) --veth-- bfb (10.2.0.10)
#   router: bra (10.1.0.10) --TUN-- router process (root namespace) --TUN-- brb (10.2.0.10)
# and prints iperf3 TCP throughput (one stream), UDP 64-byte packets/s and ping RTT for both, and the ratio,
# three times: routing only, PAT (the kernel's masquerade) and static NAT (10.1.0.10 <-> 10.9.0.10).
# Then routing only again with the router's interfaces on Ethernet: TAP devices it creates, and AF_PACKET
# on veth pairs into a namespace it runs in (brr), each next to the kernel in the same run.
# Usage: sudo bench/forward.sh [SECONDS]   (default 5 s per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
secs=${1:-5}
[ "$(id -u)" = 0 ] || { echo "forward.sh: run as root" >&2; exit 1; }
for p in iperf3 ping ip nft; do command -v $p >/dev/null || { echo "forward.sh: needs $p (apt-get install iperf3 iputils-ping iproute2)" >&2; exit 1; }; done
nss="bfa bfk bfb bra brb brr"
work=$(mktemp -d)
rpid=""
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null || true
	for n in $nss; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
for n in $nss; do ip netns del "$n" 2>/dev/null || true; ip netns add "$n"; ip -n "$n" link set lo up; done

# Kernel router.
ip link add eth0 netns bfa type veth peer name r0 netns bfk
ip link add eth0 netns bfb type veth peer name r1 netns bfk
ip -n bfa addr add 10.1.0.10/24 dev eth0; ip -n bfa link set eth0 up; ip -n bfa route add default via 10.1.0.1
ip -n bfb addr add 10.2.0.10/24 dev eth0; ip -n bfb link set eth0 up; ip -n bfb route add default via 10.2.0.1
ip -n bfk addr add 10.1.0.1/24 dev r0; ip -n bfk addr add 10.2.0.1/24 dev r1
ip -n bfk link set r0 up; ip -n bfk link set r1 up
ip netns exec bfk sysctl -qw net.ipv4.ip_forward=1

# This router, restarted for each mode with a startup-config of its own.
go build -o "$work/router" ./cmd/router
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
start_router() { # extra config lines, [tun|tap|eth]
	[ -n "$rpid" ] && { kill "$rpid"; wait "$rpid" 2>/dev/null || true; rpid=""; }
	printf '%s\n%s\nend\n' "$base" "$1" > "$work/r.cfg"
	case ${2:-tun} in
	tun|tap) "$work/router" --daemon --startup-config "$work/r.cfg" \
		--port "g0/0=${2:-tun}:bra0,netns=bra,name=eth0,addr=10.1.0.10/24,gw=10.1.0.1" \
		--port "g0/1=${2:-tun}:brb0,netns=brb,name=eth0,addr=10.2.0.10/24" &
		;;
	eth) # The hosts' ends of veth pairs into brr, where the router runs on the other ends.
		ip link add eth0 netns bra type veth peer name e0 netns brr
		ip link add eth0 netns brb type veth peer name e1 netns brr
		ip -n bra addr add 10.1.0.10/24 dev eth0; ip -n bra link set eth0 up; ip -n bra route add default via 10.1.0.1
		ip -n brb addr add 10.2.0.10/24 dev eth0; ip -n brb link set eth0 up
		ip -n brr link set e0 up; ip -n brr link set e1 up
		ip netns exec brr "$work/router" --daemon --startup-config "$work/r.cfg" --port g0/0=eth:e0 --port g0/1=eth:e1 &
		;;
	esac
	rpid=$!
	for _ in $(seq 50); do
		ip netns exec brb ip route replace 10.9.0.0/24 via 10.2.0.1 dev eth0 2>/dev/null &&
			ip netns exec brb ip route replace 10.1.0.0/24 via 10.2.0.1 dev eth0 2>/dev/null &&
			ip netns exec bra ping -c1 -W1 10.2.0.10 >/dev/null 2>&1 && return
		sleep 0.2
	done
	echo "forward.sh: the router did not come up" >&2; exit 1
}
# The kernel's NAT for the same modes (nftables), on the kernel router namespace.
kernel_nat() { # none|pat|static
	ip netns exec bfk nft flush ruleset
	case $1 in
	pat) ip netns exec bfk nft -f - <<'NFT'
table ip nat {
  chain post {
    type nat hook postrouting priority srcnat
    ip saddr 10.1.0.0/24 oifname "r1" masquerade
  }
}
NFT
	;;
	static) ip netns exec bfk nft -f - <<'NFT'
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
# Both server sides reach the client's and the static-NAT networks through the router, nothing else.
ip netns exec bfb ip route replace 10.9.0.0/24 via 10.2.0.1 dev eth0
ip -n bfb route del default 2>/dev/null || true
ip -n bfb route add 10.1.0.0/24 via 10.2.0.1
command -v nft >/dev/null || { echo "forward.sh: needs nft (apt-get install nftables)" >&2; exit 1; }

measure() { # client-ns server-ns -> "tcp_bps udp_pps rtt_ms"
	local c=$1 s=$2
	ip netns exec "$s" iperf3 -s -D -1 -p 5201 >/dev/null; sleep 0.3
	local tcp; tcp=$(ip netns exec "$c" iperf3 -c 10.2.0.10 -p 5201 -t "$secs" -J | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
	ip netns exec "$s" iperf3 -s -D -1 -p 5202 >/dev/null; sleep 0.3
	local udp; udp=$(ip netns exec "$c" iperf3 -c 10.2.0.10 -p 5202 -u -l 64 -b 0 -t "$secs" -J | python3 -c '
import json,sys
e=json.load(sys.stdin)["end"]["sum"]
print(int((e["packets"]-e["lost_packets"])/e["seconds"]))')
	local rtt; rtt=$(ip netns exec "$c" ping -q -c 50 -i 0.02 10.2.0.10 | awk -F/ '/^rtt/ {print $5}')
	echo "$tcp $udp $rtt"
}
ratio() { python3 -c "print(f'{$1/$2:.2f}' if $2 else 'n/a')"; }
printf '%-30s %16s %16s %12s\n' "forwarder" "TCP 1 stream" "UDP 64B pkt/s" "ping RTT"
row() { printf '%-30s %11.2f Gbit/s %16d %9s ms\n' "$1" "$(python3 -c "print($2/1e9)")" "$3" "$4"; }
for mode in none pat static; do
	case $mode in none) cfg="";; pat) cfg=$nat_pat;; static) cfg=$nat_static;; esac
	kernel_nat $mode
	start_router "$cfg"
	read -r ktcp kudp krtt < <(measure bfa bfb)
	read -r rtcp rudp rrtt < <(measure bra brb)
	label=$mode; [ $mode = none ] && label="routing only"; [ $mode = pat ] && label="PAT (masquerade)"; [ $mode = static ] && label="static NAT"
	echo "-- $label"
	row "kernel" "$ktcp" "$kudp" "$krtt"
	row "natlab router (TUN)" "$rtcp" "$rudp" "$rrtt"
	printf '%-30s %16s %16s %12s\n' "ratio router/kernel" "$(ratio $rtcp $ktcp)" "$(ratio $rudp $kudp)" "+$(python3 -c "print(f'{($rrtt-$krtt)*1000:.0f}')") us"
done
for kind in tap eth; do
	kernel_nat none
	start_router "" $kind
	read -r ktcp kudp krtt < <(measure bfa bfb)
	read -r rtcp rudp rrtt < <(measure bra brb)
	label="TAP"; [ $kind = eth ] && label="AF_PACKET"
	echo "-- routing only, router on Ethernet ($label)"
	row "kernel" "$ktcp" "$kudp" "$krtt"
	row "natlab router ($label)" "$rtcp" "$rudp" "$rrtt"
	printf '%-30s %16s %16s %12s\n' "ratio router/kernel" "$(ratio $rtcp $ktcp)" "$(ratio $rudp $kudp)" "+$(python3 -c "print(f'{($rrtt-$krtt)*1000:.0f}')") us"
done
