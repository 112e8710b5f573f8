#!/usr/bin/env bash
# The engine's benchmarks: start-up time of the binary, and the tool loop's own time per turn.
#
#   bench/engine/run.sh [TURNS]
#
# 1. `deployotron --version` against `true` (hyperfine when installed, else a timed loop): the ratio
#    says how much of a one-shot call is the binary starting.
# 2. Per-turn client overhead: a Conversation with the real ClaudeClient against FakeMessagesServer
#    on 127.0.0.1 runs TURNS read_file turns; from the server's timestamps, the time from the last SSE
#    byte of a tool_use response to the next request received, minus the tool's own time. Reference:
#    a whole loopback request/response with the same client, in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
TURNS="${1:-50}"

echo "== start-up: deployotron --version vs true"
# CONFIG=debug measures the debug binary (no release build, which takes long on a small machine).
CONFIG="${CONFIG:-release}"
swift build --product deployotron -c "$CONFIG" >/dev/null
BIN="$(swift build -c "$CONFIG" --show-bin-path)/deployotron"
echo "binary: $BIN"
if command -v hyperfine >/dev/null; then
    JSON="$(mktemp)"
    hyperfine -N --warmup 5 --runs 100 --export-json "$JSON" "$BIN --version" "true" >/dev/null
    python3 - "$JSON" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
times = {r["command"]: r for r in results}
binary = next(r for c, r in times.items() if c != "true")
reference = times["true"]
print(f"deployotron --version: mean {binary['mean']*1000:.2f} ms (median {binary['median']*1000:.2f} ms)")
print(f"true:                  mean {reference['mean']*1000:.2f} ms (median {reference['median']*1000:.2f} ms)")
print(f"ratio (mean): {binary['mean']/reference['mean']:.1f}x")
PY
    rm -f "$JSON"
else
    measure() { local start end; start=$(date +%s%N); for _ in $(seq 100); do "$@" >/dev/null; done; end=$(date +%s%N); echo $(( (end - start) / 100000 )); }
    B=$(measure "$BIN" --version); T=$(measure true)
    echo "deployotron --version: $B µs per run; true: $T µs per run; ratio $(python3 -c "print(round($B/max($T,1),1))")x"
fi

echo
echo "== per-turn client overhead ($TURNS tool turns)"
DEPLOYOTRON_BENCH=1 DEPLOYOTRON_BENCH_TURNS="$TURNS" DEPLOYOTRON_TARGETS=Agent \
    swift test --scratch-path .build-engine --filter TurnOverheadBenchmark 2>&1 | grep -E "^(per-turn|reference|ratio)|error:"
