#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine with Go, then runs every test.
# Run as root: the end-to-end tests create network namespaces and TUN devices.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends \
	iproute2 iputils-ping traceroute nftables iperf3 \
	vsftpd python3-pyftpdlib curl lftp tnftp tcpdump \
	openssh-client telnet sshpass python3-netmiko ansible chromium >/dev/null
apt-get install -y -q --no-install-recommends isc-dhcp-client >/dev/null
go vet ./...
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
go test -count=1 -timeout 40m ./...
