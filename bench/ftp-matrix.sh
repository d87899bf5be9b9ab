#!/usr/bin/env bash
# The FTP end-to-end matrix (e2e/) run once, its two tables printed: every client and mode through this
# router and through the Linux kernel (nftables NAT + nf_conntrack_ftp) in the reference topology, then the
# parser edge cases (split PORT, pipelined commands, late retransmission). Run as root:
#   sudo bench/ftp-matrix.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
report=$(mktemp -d)
trap 'rm -rf "$report"' EXIT
start=$(date +%s)
status=0
FTP_MATRIX_REPORT=$report go test -count=1 -timeout 20m -run 'TestFTPMatrix|TestFTPParserEdges' ./e2e/ || status=$?
echo "== FTP matrix (ours | kernel), 5 MB down and up per cell"
cat "$report/matrix.txt" 2>/dev/null || echo "(no table: the tests were skipped or did not run)"
echo
echo "== parser edge cases, pc1 behind PAT -> vsftpd on the isp (ours | kernel)"
cat "$report/edges.txt" 2>/dev/null || echo "(no table)"
echo
echo "took $(( $(date +%s) - start )) s"
exit $status
