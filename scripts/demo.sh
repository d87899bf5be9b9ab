#!/usr/bin/env bash
# The main job: R1 of the reference topology with three namespace hosts (pc1, srv, isp).
# With a terminal it opens R1's IOS console (try: enable, show ip interface brief, ping 203.0.113.10);
# from another shell, `ip netns exec demo-pc1 ping 203.0.113.10` crosses R1. Without a terminal it runs
# a short scripted session. Everything it creates is removed when R1 exits.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
if [ "$(id -u)" != 0 ]; then echo "demo.sh: run as root (it creates network namespaces and TUN devices)" >&2; exit 1; fi
if ! command -v ping >/dev/null || ! command -v ip >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends iproute2 iputils-ping >/dev/null
fi
hosts="demo-pc1 demo-srv demo-isp"
bin=$(mktemp -d)/router
cleanup() {
	for n in $hosts; do ip netns del "$n" 2>/dev/null || true; done
	rm -rf "$(dirname "$bin")"
}
trap cleanup EXIT
for n in $hosts; do ip netns del "$n" 2>/dev/null || true; ip netns add "$n"; ip -n "$n" link set lo up; done
go build -o "$bin" ./cmd/router
args=(--startup-config examples/r1.cfg
	--port "Gi0/0=tun:demo-g0,netns=demo-pc1,name=eth0,addr=192.168.1.10/24,gw=192.168.1.1"
	--port "Gi0/1=tun:demo-g1,netns=demo-isp,name=eth0,addr=203.0.113.10/24,gw=203.0.113.1"
	--port "Gi0/2=tun:demo-g2,netns=demo-srv,name=eth0,addr=192.168.2.10/24,gw=192.168.2.1")
# Start from a copy, so `write memory` in the demo never changes the shipped example.
cfg=$(dirname "$bin")/startup-config
cp examples/r1.cfg "$cfg"
args[1]=$cfg
if [ -t 0 ]; then
	"$bin" "${args[@]}"
	exit 0
fi
{
	printf 'enable\nshow ip interface brief\nshow ip route\nping 203.0.113.10\n'
	sleep 1
	echo "--- from pc1: ping 203.0.113.10 and 192.168.2.10 through R1" >&2
	ip netns exec demo-pc1 ping -c 3 -i 0.2 203.0.113.10 >&2
	ip netns exec demo-pc1 ping -c 3 -i 0.2 192.168.2.10 >&2
	printf 'show interfaces GigabitEthernet0/0 | include packets\n'
} | "$bin" "${args[@]}"
