#!/usr/bin/env bash
# Speed of the Messages API stream decoding (SSE decoder, and decoder + stream accumulator) on a
# 3.5 MB synthetic answer (20,000 text deltas), as ratios to a reference measured in the same run: a loop that only
# finds the line ends of the same bytes.
#
#   bench/claude/sse.sh              (debug build; BENCH_CONFIG=release for a release build)
# Output: lines starting with "bench claude-sse".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
config="${BENCH_CONFIG:-debug}"
scratch="${BENCH_SCRATCH:-$here/.build-bench-claude}"
extra=()
[ "$config" = release ] && extra=(-c release -Xswiftc -enable-testing)
cd "$here"
DEPLOYOTRON_BENCH=1 DEPLOYOTRON_TARGETS=Claude swift test "${extra[@]}" --scratch-path "$scratch" \
    --filter SSEBenchmarks 2>&1 | grep '^bench claude-sse'
