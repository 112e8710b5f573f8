#!/usr/bin/env bash
# What idle live event streams cost `deployotron serve`: the server's CPU time with no streams,
# with STREAMS open streams on projects that receive nothing, and after their clients left.
# An open stream polls the ledger every 250 ms (eventPollInterval) while events come, backing off
# to every 2 s while its project is quiet; an event this server records wakes its project's streams
# at once. A stream whose client left stops at once, so the last figure should match the first.
#
# Measured 2026-12-03 on the shared 2-core build machine, debug build (BIN=.build/debug/deployotron,
# STREAMS=200, 5 s phases, other builds running), no streams / 200 idle streams / clients gone:
#   polling every 250 ms:  0.0% / 37.8% of a core / 0.0%  (about 1.9 ms of CPU per second per stream)
#   with the back-off:     0.0% /  6.0% of a core / 0.0%  (about 0.3 ms of CPU per second per stream)
# The release build costs less per stream (issue 15 saw 0.65 of a core for 500 streams at 250 ms).
#
# Usage: [STREAMS=500] [BIN=path/to/deployotron] bench/notify/idle-streams.sh [seconds per phase, default 10]
# Without BIN it builds and measures the release binary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
PHASE="${1:-10}"
STREAMS="${STREAMS:-500}"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
if [ -z "${BIN:-}" ]; then
    echo "bench: building release" >&2
    swift build -c release --product deployotron >&2
    BIN="$here/.build/release/deployotron"
fi
WORK="$(mktemp -d -t deployotron-idle.XXXXXX)"
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ulimit -n 4096 2>/dev/null || true
DEPLOYOTRON_STORE="sqlite:$WORK/ledger.sqlite" LOG_LEVEL=warning "$BIN" serve --host 127.0.0.1 --port "$PORT" >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    sleep 0.05
done

python3 - "$PORT" "$SERVER_PID" "$STREAMS" "$PHASE" <<'PY'
import os, socket, sys, time
port, pid, streams, phase = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
tick = os.sysconf("SC_CLK_TCK")

def cpu_seconds():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick

def measure(label):
    start, began = cpu_seconds(), time.monotonic()
    time.sleep(phase)
    used, elapsed = cpu_seconds() - start, time.monotonic() - began
    print(f"{label:<28} {100 * used / elapsed:6.1f}% of a core")
    return used / elapsed

idle = measure("no streams")
sockets = []
for index in range(streams):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /api/projects/idle-{index}/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n".encode())
    s.settimeout(10)
    received = b""
    while b"retry:" not in received:
        received += s.recv(4096)
    sockets.append(s)
busy = measure(f"{streams} idle streams")
for s in sockets:
    s.close()
time.sleep(1)
gone = measure("after their clients left")
print(f"per idle stream: {1e6 * (busy - idle) / streams:.0f} µs of CPU per second ({100 * (busy - idle) / streams:.3f}% of a core)")
PY
