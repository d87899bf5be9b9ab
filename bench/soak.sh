#!/usr/bin/env bash
# A soak of the reference lab (`labs up`: R1 with PAT for pc1, static NAT 192.168.2.10 <-> 203.0.113.100
# for srv, the inbound ACL OUTSIDE_IN and FTP inspection), then a check that its tables empty again.
#
# Load, for MINUTES (default 10):
#   - FTP downloads with curl, passive and active in turn, of a 256 KB file (curl --limit-rate 32k: a few
#     seconds a transfer through R1): isp -> 203.0.113.100 (srv's pyftpdlib through static NAT, the ACL
#     and the FTP rule inbound) and pc1 -> 203.0.113.10 (an FTP server this script starts in isp's
#     namespace, vsftpd or else pyftpdlib, through PAT); the concurrent transfers rise from 100 to 300
#     (half on each path) over the first half and stay at 300 for the second, at most 80 new ones a
#     second (bench/soak_load.py);
#   - ping -f bursts of 5,000 echoes from pc1 to isp every 10 s (each burst a new ICMP translation);
#   - UDP from pc1 to isp through PAT, 200 datagrams/s from a new source port each second, echoed back.
# Every 10 s a row: running transfers, transfers ok, failures by cause (curl's exit status), R1's RSS
# (VmRSS of the PID `labs inspect --json` gives), dynamic NAT translations (`show ip nat statistics`) and
# inspection sessions (`show ip inspect sessions | count =>`). After the load it waits out the timers and
# checks that only the static translation and no inspection session remain.
#
# Added to the lab at the start, through `labs cli` (so the wait after the load is minutes, not a day):
#   ip nat translation timeout 60         (default 86400)  dynamic address bindings
#   ip nat translation tcp-timeout 120    (default 86400)  established TCP
#   ip nat translation syn-timeout 30     (default 60)
#   ip nat translation finrst-timeout 10  (default 60)     after a RST or both FINs
#   ip nat translation udp-timeout 30     (default 300)
#   ip nat translation icmp-timeout 10    (default 60)
#   ip inspect tcp idle-time 120          (default 3600)   tcp and ftp inspection sessions
#   ip inspect udp idle-time 30           (the default)
#   ip inspect name SOAK ftp / udp / icmp, and `ip inspect SOAK out` on Gi0/1: without an outbound rule
#     the active-mode data connection of pc1's FTP (isp -> 203.0.113.1) and the UDP echoes are dropped by
#     OUTSIDE_IN, as on IOS; with it every load also fills the inspection table.
# The longest timer is 120 s; the wait after the load ends when the tables are clean, at most 120 + 60 s.
#
# Exit status 0: no leak. 1: a leak: dynamic translations or inspection sessions left after the wait, R1's
# highest RSS while the load holds at 300 over 1.5 x its RSS when the load reached 300 + 32 MB (under a
# steady load a router without a leak stays flat), or R1 ended during the run. 2: the soak could not run.
# Usage: sudo bench/soak.sh [MINUTES]   (root: namespaces and TUN devices; needs curl, ping, python3-pyftpdlib)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
minutes=${1:-10}
[[ $minutes =~ ^[1-9][0-9]*$ ]] || { echo "usage: sudo bench/soak.sh [MINUTES]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "soak.sh: run as root (it creates network namespaces and TUN devices)" >&2; exit 2; }
py=/usr/bin/python3
for p in curl ping ip; do command -v $p >/dev/null || { echo "soak.sh: needs $p (apt-get install curl iputils-ping iproute2)" >&2; exit 2; }; done
$py -c 'import pyftpdlib' 2>/dev/null || { echo "soak.sh: needs pyftpdlib for $py (apt-get install python3-pyftpdlib)" >&2; exit 2; }

lab=ftp-nat
labs=bin/labs
load_secs=$((minutes * 60))
ramp_secs=$((load_secs / 2))
size=262144     # bytes per FTP transfer
rate=32k        # curl --limit-rate: about 6 s a transfer through R1
max_timer=120   # the longest timer set below
wait_max=$((max_timer + 60))
rss_factor=1.5  # the RSS bound: highest RSS while the load holds <= rss_factor x RSS when it reaches its peak + rss_slack_mb
rss_slack_mb=32

mkdir -p bin
go build -o bin/ ./cmd/...
if $labs inspect --lab $lab >/dev/null 2>&1; then
	echo "soak.sh: a lab $lab is already up; the soak needs its own (bin/labs down $lab)" >&2
	exit 2
fi

work=$(mktemp -d)
pids=()   # process groups this script started (each is setsid: its PID is its group)
lab_up=0
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	[ $lab_up = 1 ] && { $labs down $lab >/dev/null 2>&1 || echo "soak.sh: labs down $lab failed" >&2; }
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started() { pids+=("$1"); }

$labs up >/dev/null
lab_up=1
# R1's PID, the lab's state directory (where srv's FTP root is) and the namespaces, from labs inspect.
read -r rpid statedir ns_pc1 ns_isp < <($labs inspect --json | $py -c '
import json, os, sys
n = {x["name"]: x for x in json.load(sys.stdin)["nodes"]}
print(n["r1"]["pid"], os.path.dirname(n["r1"]["console"]), n["pc1"]["netns"], n["isp"]["netns"])')
[ -r "/proc/$rpid/status" ] || { echo "soak.sh: R1 (PID $rpid) is not running" >&2; exit 2; }

$labs cli r1 >/dev/null <<'EOF'
configure terminal
ip nat translation timeout 60
ip nat translation tcp-timeout 120
ip nat translation syn-timeout 30
ip nat translation finrst-timeout 10
ip nat translation udp-timeout 30
ip nat translation icmp-timeout 10
ip inspect tcp idle-time 120
ip inspect udp idle-time 30
ip inspect name SOAK ftp
ip inspect name SOAK udp
ip inspect name SOAK icmp
interface GigabitEthernet0/1
 ip inspect SOAK out
end
EOF

# The file on srv (its FTP root is the lab's state directory, see the topology) and on isp's server.
head -c $size /dev/urandom > "$statedir/ftp/pub/soak.bin"
mkdir -p "$work/ftp/pub" "$work/empty"
cp "$statedir/ftp/pub/soak.bin" "$work/ftp/pub/soak.bin"
chmod 755 "$work" "$work/ftp" "$work/ftp/pub"; chmod 644 "$work/ftp/pub/soak.bin"
# isp's server is vsftpd when there is one: pyftpdlib (srv's server) loses about 1% of its sessions at 100
# concurrent even with no router in between (curl status 28 and 56), which would blur the PAT path's figures.
if command -v vsftpd >/dev/null; then
	isp_ftpd=vsftpd
	cat >"$work/vsftpd.conf" <<EOF
listen=YES
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$work/ftp
ftp_username=daemon
local_enable=NO
write_enable=NO
max_clients=0
max_per_ip=0
connect_from_port_20=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=$work/empty
xferlog_enable=NO
EOF
	setsid ip netns exec "$ns_isp" vsftpd "$work/vsftpd.conf" >"$work/isp-ftp.log" 2>&1 &
else
	isp_ftpd=pyftpdlib
	setsid ip netns exec "$ns_isp" $py -m pyftpdlib -p 21 -d "$work/ftp" >"$work/isp-ftp.log" 2>&1 &
fi
started $!
setsid ip netns exec "$ns_isp" $py bench/soak_load.py udp-sink 9999 >/dev/null 2>&1 &
started $!
ready() { # namespace url: the servers may still be starting
	for _ in $(seq 40); do
		ip netns exec "$1" curl -s -o /dev/null --max-time 3 "$2" && return
		sleep 0.25
	done
	echo "soak.sh: $2 cannot be fetched from $1 before the load" >&2
	exit 2
}
ready "$ns_isp" ftp://203.0.113.100/pub/soak.bin
ready "$ns_pc1" ftp://203.0.113.10/pub/soak.bin

# The load.
touch "$work/static.log" "$work/pat.log"
half_start=50 half_peak=150
setsid ip netns exec "$ns_isp" $py bench/soak_load.py ftp ftp://203.0.113.100/pub/soak.bin $size "$work/static.status" \
	--start $half_start --peak $half_peak --ramp $ramp_secs --duration $load_secs --rate $rate --log "$work/static.log" >/dev/null 2>&1 &
started $!
ftp_static=$!
setsid ip netns exec "$ns_pc1" $py bench/soak_load.py ftp ftp://203.0.113.10/pub/soak.bin $size "$work/pat.status" \
	--start $half_start --peak $half_peak --ramp $ramp_secs --duration $load_secs --rate $rate --log "$work/pat.log" >/dev/null 2>&1 &
started $!
ftp_pat=$!
setsid ip netns exec "$ns_pc1" $py bench/soak_load.py udp-send 203.0.113.10 9999 "$work/udp.status" \
	--duration $load_secs --pps 200 --flows 4 >/dev/null 2>&1 &
started $!
setsid ip netns exec "$ns_pc1" bash -c 'end=$((SECONDS + $1)); while [ $SECONDS -lt $end ]; do
	ping -q -f -c 5000 -W 1 203.0.113.10 | grep transmitted; sleep 10; done' ping-loop $load_secs >"$work/ping.log" 2>&1 &
started $!

# Samples.
stat_sum() { # key: the sum of "key N" over both FTP drivers' status files
	cat "$work"/static.status "$work"/pat.status 2>/dev/null | awk -v k="$1" '$1 == k { s += $2 } END { print s + 0 }'
}
failures() { # "code:n ..." over both drivers, or 0
	cat "$work"/static.status "$work"/pat.status 2>/dev/null |
		awk '$1 == "fail" { f[$2] += $3 } END { s = ""; for (c in f) s = s (s ? " " : "") c ":" f[c]; print (s ? s : "0") }'
}
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$rpid/status" 2>/dev/null || echo gone; }
nat_counts() { # "static dynamic" from show ip nat statistics
	$labs cli r1 'show ip nat statistics | include Total active' |
		sed -n 's/.*(\([0-9]*\) static, \([0-9]*\) dynamic.*/\1 \2/p'
}
inspect_count() { $labs cli r1 'show ip inspect sessions | count =>' | awk '{ print $NF }'; }
t0=$SECONDS
printf '%-6s %-5s %8s %7s %-22s %8s %8s %8s\n' time phase running ok failures RSS_MB NAT_dyn inspect | tee "$work/table"
sample() { # phase
	local st dy ins rss
	read -r st dy < <(nat_counts) || true
	ins=$(inspect_count) || ins=?
	rss=$(rss_mb)
	last_static=${st:-?} last_dyn=${dy:-?} last_inspect=$ins last_rss=$rss
	printf '%02d:%02d  %-5s %8s %7s %-22s %8s %8s %8s\n' $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60)) "$1" \
		"$(stat_sum running)" "$(stat_sum ok)" "$(failures)" "$rss" "${dy:-?}" "$ins" | tee -a "$work/table"
	[ "$rss" != gone ]
}
peak_rss="" hold_max="" min_rss="" max_rss="" crashed=0
while kill -0 $ftp_static 2>/dev/null || kill -0 $ftp_pat 2>/dev/null; do
	sleep 10
	sample load || { crashed=1; break; }
	min_rss=$(awk -v a="${min_rss:-$last_rss}" -v b="$last_rss" 'BEGIN { print (b < a ? b : a) }')
	max_rss=$(awk -v a="${max_rss:-$last_rss}" -v b="$last_rss" 'BEGIN { print (b > a ? b : a) }')
	# The RSS when the load first holds at its peak, and the highest while it holds there.
	t=$((SECONDS - t0))
	[ $t -ge $ramp_secs ] && [ $t -le $load_secs ] || continue
	[ -z "$peak_rss" ] && peak_rss=$last_rss
	hold_max=$(awk -v a="${hold_max:-$last_rss}" -v b="$last_rss" 'BEGIN { print (b > a ? b : a) }')
done
load_end=$SECONDS

# The wait: until only the static translation and no session remain, or wait_max.
clean=0
if [ $crashed = 0 ]; then
	while [ $((SECONDS - load_end)) -lt $wait_max ]; do
		sleep 10
		sample wait || { crashed=1; break; }
		[ "$last_dyn" = 0 ] && [ "$last_inspect" = 0 ] && { clean=1; break; }
	done
fi
waited=$((SECONDS - load_end))

# Summary.
echo
echo "== summary ($minutes min of load, then ${waited} s of waiting)"
echo "FTP transfers ok: $(stat_sum ok) of $(cat "$work"/static.log "$work"/pat.log 2>/dev/null | wc -l), $((size / 1024)) KB each, passive and active in turn"
pctl() { # log field quantile: over the transfers that ended with status 0
	awk -v f="$2" '$2 == "0" { print $f }' "$1" | sort -n |
		awk -v q="$3" '{ a[NR] = $1 } END { if (NR) printf "%.1f", a[int(NR * q) + 1] }'
}
# "transfer" is curl's time_total (to the end of the data); "curl ran" adds the QUIT after it, which srv's
# pyftpdlib sometimes leaves unanswered (its control socket stays in CLOSE-WAIT, also with no router between).
path_line() { # name log
	awk -v name="$1" '{ if ($2 == "0") ok++; else f[$2]++ }
		END { printf "  %-38s %6d ok", name, ok; for (c in f) printf ", %d with status %s", f[c], c }' "$2"
	[ -s "$2" ] && printf '; transfer p50 %s s, p99 %s s; curl ran p50 %s s, p99 %s s' \
		"$(pctl "$2" 6 0.5)" "$(pctl "$2" 6 0.99)" "$(pctl "$2" 7 0.5)" "$(pctl "$2" 7 0.99)"
	echo
}
path_line "isp -> 203.0.113.100 (static NAT, srv)" "$work/static.log"
path_line "pc1 -> 203.0.113.10 (PAT, $isp_ftpd)" "$work/pat.log"
cause() {
	case $1 in
	6) echo "could not resolve";; 7) echo "could not connect";; 8) echo "weird server reply";;
	9) echo "access denied";; 10) echo "active: accept failed";; 12) echo "active: the server never connected";;
	13) echo "weird PASV reply";; 14) echo "weird 227 reply";; 18) echo "partial file";; 19) echo "RETR failed";;
	28) echo "timed out";; 30) echo "PORT failed";; 52) echo "empty reply";; 55) echo "send failed";;
	56) echo "receive failed";; short) echo "status 0, fewer bytes";; *) echo "curl exit $1";;
	esac
}
fails=$(failures)
if [ "$fails" = 0 ]; then
	echo "FTP failures: none"
else
	echo "FTP failures by cause (curl exit status):"
	for f in $fails; do printf '  %-6s %6s  %s\n' "${f%%:*}" "${f##*:}" "$(cause "${f%%:*}")"; done
fi
echo "ping -f: $(awk '{ t += $1; r += $4 } END { printf "%d sent, %d replies (%d bursts)", t, r, NR }' "$work/ping.log")"
echo "UDP through PAT: $(awk '{ v[$1] = $2 } END { printf "%d sent, %d echoed", v["sent"], v["echoed"] }' "$work/udp.status" 2>/dev/null)"
echo "R1 RSS: ${min_rss:-?} to ${max_rss:-?} MB under load; ${peak_rss:-?} MB when the load reached 300," \
	"at most ${hold_max:-?} MB while it held there (bound: $rss_factor x $peak_rss + $rss_slack_mb MB); $last_rss MB after the wait"
leak=0
if [ $crashed = 1 ]; then
	echo "FAIL: R1 (PID $rpid) ended during the soak:"
	$labs inspect 2>&1 | sed 's/^/  /'
	exit 1
fi
if [ -n "$peak_rss" ] && ! awk -v m="$hold_max" -v p="$peak_rss" -v f=$rss_factor -v s=$rss_slack_mb 'BEGIN { exit !(m <= f * p + s) }'; then
	echo "LEAK: R1's RSS grew from $peak_rss MB to $hold_max MB under a steady load"
	leak=1
fi
echo "left after the wait: $last_static static and $last_dyn dynamic translations, $last_inspect inspection sessions"
if [ $clean = 0 ]; then
	leak=1
	sessions=$($labs cli r1 'show ip inspect sessions detail')
	if [ "$last_inspect" != 0 ]; then
		echo "LEAK: inspection sessions left, by kind and state:"
		grep '=>' <<<"$sessions" | awk '{ print $4, $5 }' | sort | uniq -c | sed 's/^/  /'
		echo "  the first listed:"
		grep -A2 '=>' <<<"$sessions" | head -6 | sed 's/^/  /'
	fi
	if [ "$last_dyn" != 0 ]; then
		echo "LEAK: dynamic translations left, by protocol:"
		$labs cli r1 'show ip nat translations' | awk 'NR > 1 && $1 != "---" { print $1 }' | sort | uniq -c | sed 's/^/  /'
		echo "  the first:"
		$labs cli r1 'show ip nat translations verbose' | sed -n '2,5p' | sed 's/^/  /'
	fi
fi
if [ $leak = 0 ]; then echo "no leak"; fi
exit $leak
