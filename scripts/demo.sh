#!/usr/bin/env bash
# The main job: the reference lab (R1 with PAT and static NAT, an FTP server behind it, a PC and an ISP,
# each a network namespace running real programs), deployed with `labs up`.
# With a terminal it opens R1's IOS console (try: enable, show ip nat translations, show access-lists);
# from another shell, bin/labs exec isp -- curl ftp://203.0.113.100/pub/hello.txt goes through R1's NAT
# and FTP inspection. Without a terminal it grades the lab with `labs check`. The lab is removed when the
# console closes (to keep it, run bin/labs up yourself and bin/labs down when done).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
if [ "$(id -u)" != 0 ]; then echo "demo.sh: run as root (it creates network namespaces and TUN devices)" >&2; exit 1; fi
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v ping >/dev/null || need+=(iputils-ping)
command -v curl >/dev/null || need+=(curl)
/usr/bin/python3 -c 'import pyftpdlib' 2>/dev/null || need+=(python3-pyftpdlib)
if [ ${#need[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
mkdir -p bin
go build -o bin/router ./cmd/router
go build -o bin/labs ./cmd/labs
bin/labs down ftp-nat >/dev/null 2>&1 || true
trap 'bin/labs down ftp-nat >/dev/null 2>&1 || true' EXIT
bin/labs up
if [ -t 0 ]; then
	bin/labs console r1
else
	echo "--- isp: curl ftp://203.0.113.100/pub/hello.txt (through static NAT, the ACL and FTP inspection)"
	for _ in $(seq 20); do # the FTP server may still be starting
		bin/labs exec isp -- curl -s --max-time 5 ftp://203.0.113.100/pub/hello.txt && break
		sleep 0.5
	done
	echo "--- r1: show ip nat translations"
	bin/labs cli r1 "show ip nat translations"
	echo "--- labs check"
	bin/labs check
fi
