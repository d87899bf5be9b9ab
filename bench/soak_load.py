#!/usr/bin/python3
"""Load generators for bench/soak.sh, each run inside a lab namespace (ip netns exec NS ...).

  ftp URL SIZE STATUS --start N --peak N --ramp S --duration S [--rate R] [--starts N] [--log FILE]
      Keeps N curl transfers of URL running, N rising linearly from --start to --peak over --ramp
      seconds and held there until --duration, starting at most --starts a second (default 40);
      transfers alternate passive and active (curl -P -).
      Every second STATUS is rewritten (temporary file and rename) with lines
      "running N", "ok N" and "fail CAUSE N", CAUSE being curl's exit code, or "short" for a
      transfer that ended with status 0 but fewer than SIZE bytes. --log FILE gets a line per
      transfer: mode, status, curl's time_connect, time_pretransfer, time_starttransfer, time_total,
      and the seconds curl ran (after the transfer it sends QUIT and waits for the reply).
      At the end it waits for the running transfers (curl's --max-time bounds them) and writes
      STATUS a last time.
  udp-sink PORT
      Echoes every datagram back to its sender.
  udp-send HOST PORT STATUS --duration S [--pps N] [--flows N]
      Sends 256-byte datagrams at --pps in all, from a fresh socket (a new source port, so a new
      PAT translation) every second, --flows sockets at a time; counts the echoes. STATUS gets
      "sent N" and "echoed N".
"""
import argparse
import asyncio
import os
import select
import socket
import sys
import time


def write_status(path, lines):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


async def ftp(a):
    ok, fails, running = 0, {}, 0
    log = open(a.log, "a", buffering=1) if a.log else None
    seq = 0

    def status():
        write_status(a.status, ["running %d" % running, "ok %d" % ok] +
                     ["fail %s %d" % kv for kv in sorted(fails.items())])

    async def transfer(active):
        nonlocal ok, running
        args = ["curl", "-s", "-o", "/dev/null", "-w", "%{size_download} %{time_connect} %{time_pretransfer} %{time_starttransfer} %{time_total}", "--connect-timeout", "10",
                "--max-time", str(a.max_time), "--limit-rate", a.rate]
        if active:
            args += ["-P", "-"]
        running += 1
        began = time.monotonic()
        try:
            p = await asyncio.create_subprocess_exec(*args, a.url, stdout=asyncio.subprocess.PIPE,
                                                     stderr=asyncio.subprocess.DEVNULL)
            out, _ = await p.communicate()
            rc = p.returncode
        except OSError:
            rc = "spawn"
        finally:
            running -= 1
        fields = out.split() if rc != "spawn" else []
        if rc == 0 and (not fields or fields[0] != str(a.size).encode()):
            rc = "short"
        if log:
            times = [f.decode() for f in fields[1:]] or ["-"] * 4
            log.write("%s %s %s %.3f\n" % ("active" if active else "passive", rc, " ".join(times),
                                           time.monotonic() - began))
        if rc == 0:
            ok += 1
        else:
            fails[rc] = fails.get(rc, 0) + 1

    start = time.monotonic()
    tasks = set()
    last = 0.0
    tokens, tick = float(a.starts), 0.05
    while True:
        t = time.monotonic() - start
        if t >= a.duration:
            break
        target = a.peak if t >= a.ramp else a.start + (a.peak - a.start) * t / a.ramp
        # At most --starts new transfers a second: a server that answers at once must not turn
        # the loop into a fork bomb.
        tokens = min(float(a.starts), tokens + a.starts * tick)
        while running < int(target) and tokens >= 1:
            tokens -= 1
            seq += 1
            task = asyncio.ensure_future(transfer(seq % 2 == 0))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            await asyncio.sleep(0)  # let it count itself as running
        if t - last >= 1:
            status()
            last = t
        await asyncio.sleep(tick)
    while tasks:
        await asyncio.sleep(0.5)
        status()
    status()


def udp_sink(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", a.port))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(data, peer)


def udp_send(a):
    sent = echoed = 0
    socks = []
    payload = b"x" * 256
    start = time.monotonic()
    next_rotate = start
    interval = 1.0 / a.pps
    next_send = start
    i = 0
    last = 0.0
    while True:
        now = time.monotonic()
        if now - start >= a.duration:
            break
        if now >= next_rotate:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setblocking(False)
            socks.append(s)
            if len(socks) > a.flows:
                socks.pop(0).close()
            next_rotate += 1
        if now >= next_send:
            try:
                socks[i % len(socks)].sendto(payload, (a.host, a.port))
                sent += 1
            except OSError:
                pass
            i += 1
            next_send += interval
        r, _, _ = select.select(socks, [], [], max(0.0, min(next_send, next_rotate) - time.monotonic()))
        for s in r:
            try:
                while s.recv(2048):
                    echoed += 1
            except OSError:
                pass
        if now - last >= 1:
            write_status(a.status, ["sent %d" % sent, "echoed %d" % echoed])
            last = now
    time.sleep(0.5)
    for s in socks:
        try:
            while s.recv(2048):
                echoed += 1
        except OSError:
            pass
    write_status(a.status, ["sent %d" % sent, "echoed %d" % echoed])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("ftp")
    f.add_argument("url")
    f.add_argument("size", type=int)
    f.add_argument("status")
    f.add_argument("--start", type=int, required=True)
    f.add_argument("--peak", type=int, required=True)
    f.add_argument("--ramp", type=float, required=True)
    f.add_argument("--duration", type=float, required=True)
    f.add_argument("--rate", default="32k")
    f.add_argument("--max-time", type=int, default=60)
    f.add_argument("--starts", type=int, default=40, help="new transfers a second at most")
    f.add_argument("--log", help='a line per transfer: mode, status, curl\'s connect, pretransfer, starttransfer and total times')
    k = sub.add_parser("udp-sink")
    k.add_argument("port", type=int)
    u = sub.add_parser("udp-send")
    u.add_argument("host")
    u.add_argument("port", type=int)
    u.add_argument("status")
    u.add_argument("--duration", type=float, required=True)
    u.add_argument("--pps", type=int, default=200)
    u.add_argument("--flows", type=int, default=4)
    a = p.parse_args()
    if a.cmd == "ftp":
        asyncio.run(ftp(a))
    elif a.cmd == "udp-sink":
        udp_sink(a)
    else:
        udp_send(a)


if __name__ == "__main__":
    sys.exit(main())
