#!/usr/bin/env bash
# Log triage benchmark: grouping accuracy (Loghub), excerpt recall and size (LogChunks),
# throughput and memory on the LogChunks logs concatenated and on a generated log, side by side with Drain3. Results go to stdout.
#
#   bench/logtriage/run.sh [all|loghub|loghub-extra|chunks|loo|throughput|realthroughput]
#
# Data: ../shared/fixtures/logs (LOGS=... to override); scorers: ../shared/bench (SCORERS=...).
# loghub-extra: Loghub samples outside ../shared, from LOGHUB_EXTRA=DIR (see loghub_extra.py).
# LOGTRIAGE_BENCH_MB sets the generated log's size (default 500); Drain3 comes from pip (drain3).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
LOGS="${LOGS:-$ROOT/../shared/fixtures/logs}"
SCORERS="${SCORERS:-$ROOT/../shared/bench}"
MB="${LOGTRIAGE_BENCH_MB:-500}"
WORK="${LOGTRIAGE_BENCH_DIR:-${TMPDIR:-/tmp}/logtriage-bench}"
WHAT="${1:-all}"
mkdir -p "$WORK"

echo "== building the driver (release)"
(cd "$HERE/driver" && swift build -c release 2>&1 | tail -1)
DRIVER="$HERE/driver/.build/release/logtriage-bench"

if [[ "$WHAT" == all || "$WHAT" == loghub ]]; then
    echo
    echo "== Loghub grouping accuracy (GA; EventTemplate key). Published Drain: HDFS 0.998, Apache 1.0, Zookeeper 0.967, Spark 0.920"
    printf "%-10s %-8s %8s %8s %10s %10s\n" dataset mode GA FGA predicted truth
    for ds in HDFS Apache Zookeeper Spark; do
        for mode in content raw; do
            if [[ $mode == content ]]; then input="$LOGS/loghub/$ds/${ds}_2k.content.txt"; else input="$LOGS/loghub/$ds/${ds}_2k.log"; fi
            "$DRIVER" perline "$input" > "$WORK/$ds.$mode.ids"
            python3 "$SCORERS/score_loghub.py" "$LOGS/loghub/$ds/${ds}_2k.log_structured.csv" "$WORK/$ds.$mode.ids" --json |
                python3 -c 'import json,sys; d=json.load(sys.stdin); print("%-10s %-8s %8.4f %8.4f %10d %10d" % (sys.argv[1], sys.argv[2], d["GA"], d["FGA"], d["predicted_groups"], d["truth_groups"]))' "$ds" "$mode"
        done
    done
fi

if [[ "$WHAT" == loghub-extra || ( "$WHAT" == all && -n "${LOGHUB_EXTRA:-}" ) ]]; then
    echo
    echo "== Loghub samples outside ../shared (GA; EventId key), Drain3 with logparser's per-data-set settings on the same lines"
    if [[ -z "${LOGHUB_EXTRA:-}" ]]; then
        echo "LOGHUB_EXTRA is not set: point it at a folder of Loghub data sets (<DS>/<DS>_2k.log_structured.csv)" >&2
        exit 2
    fi
    python3 "$HERE/loghub_extra.py" "$DRIVER" "$SCORERS/score_loghub.py" "$LOGHUB_EXTRA" --work "$WORK"
fi

if [[ "$WHAT" == all || "$WHAT" == chunks ]]; then
    echo
    echo "== LogChunks: whole chunk inside the excerpt (success), excerpt size in tokens (chars/4)"
    SCORE_CHUNKS="$SCORERS/score_chunks.py" python3 "$HERE/chunks.py" "$DRIVER" "$LOGS/logchunks" --budget 8000
    SCORE_CHUNKS="$SCORERS/score_chunks.py" python3 "$HERE/chunks.py" "$DRIVER" "$LOGS/logchunks" --tail 200
fi

if [[ "$WHAT" == all || "$WHAT" == loo ]]; then
    echo
    echo "== LogChunks, leave one repository out: budget chosen on the other repositories (median <= 1500 tokens), tail -200 and tail -50 alike"
    SCORE_CHUNKS="$SCORERS/score_chunks.py" python3 "$HERE/loo.py" "$DRIVER" "$LOGS/logchunks" \
        --budgets 1500,2000,3000,4000,6000,8000 --step-lines 30,60,90 --show-repos
fi

# compare LOG SMALL: logtriage on LOG and on SMALL (its peak RSS on both: memory flat in the input size), Drain3 on SMALL.
compare() {
    local LOG="$1" SMALL="$2"
    echo "== throughput on $LOG, $(du -h "$LOG" | cut -f1) (wall time depends on machine load; CPU time is one core's work)"
    "$DRIVER" throughput "$SMALL" > "$WORK/ours-small.json"
    "$DRIVER" throughput "$LOG" > "$WORK/ours.json"
    if python3 -c 'import drain3' 2>/dev/null; then
        # Drain3 reads the smaller input: the same kind of lines, a tenth of the waiting.
        python3 "$HERE/drain3_throughput.py" "$SMALL" > "$WORK/drain3.json"
    else
        echo "(drain3 is not installed: pip install drain3)"; echo '{}' > "$WORK/drain3.json"
    fi
    python3 - "$WORK/ours.json" "$WORK/drain3.json" "$WORK/ours-small.json" <<'PY'
import json, sys
ours, drain, small = (json.load(open(p)) for p in sys.argv[1:4])
def row(name, d):
    if not d:
        return
    print("%-10s %12d lines %8.1f MB  wall %7.1fs  cpu %7.1fs  %11.0f lines/s (cpu)  %7.1f MB/s (cpu)  %9.0f lines/s (wall)  peak RSS %7.1f MB  templates %d" % (
        name, d["lines"], d["bytes"] / 1e6, d["seconds"], d["cpu_seconds"], d["lines_per_cpu_s"], d["mb_per_cpu_s"],
        d["lines_per_s"], d["max_rss_kb"] / 1024, d["templates"]))
row("logtriage", ours)
row("drain3", drain)
if drain:
    print("ratios logtriage/drain3: lines/s (cpu) %.1fx, MB/s (cpu) %.1fx, lines/s (wall) %.1fx, peak RSS %.2fx" % (
        ours["lines_per_cpu_s"] / drain["lines_per_cpu_s"], ours["mb_per_cpu_s"] / drain["mb_per_cpu_s"],
        ours["lines_per_s"] / drain["lines_per_s"], ours["max_rss_kb"] / drain["max_rss_kb"]))
print("memory growth: peak RSS %.1f MB on %.0f MB of log, %.1f MB on %.0f MB (ratio %.2f for %.0fx the input)" % (
    small["max_rss_kb"] / 1024, small["bytes"] / 1e6, ours["max_rss_kb"] / 1024, ours["bytes"] / 1e6,
    ours["max_rss_kb"] / small["max_rss_kb"], ours["bytes"] / small["bytes"]))
PY
}

if [[ "$WHAT" == all || "$WHAT" == throughput || "$WHAT" == realthroughput ]]; then
    # Real logs: every LogChunks log once (SMALL) and ten times over (LOG), in index order.
    REAL="$WORK/logchunks-x10.log"
    REAL1="$WORK/logchunks-x1.log"
    if [[ ! -s "$REAL" ]]; then
        tail -n +2 "$LOGS/logchunks/index.tsv" | cut -f1 | while read -r c; do cat "$LOGS/logchunks/cases/$c/log.txt"; done > "$REAL1"
        for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$REAL1"; done > "$REAL"
    fi
    echo
    echo "== real logs: the LogChunks logs concatenated ($(wc -l < "$REAL1") lines once; ten times over for the run)"
    compare "$REAL" "$REAL1"
fi

if [[ "$WHAT" == all || "$WHAT" == throughput ]]; then
    echo
    LOG="$WORK/generated-${MB}mb.log"
    if [[ ! -s "$LOG" ]]; then
        echo "== generating a ${MB} MB log in $LOG"
        python3 "$HERE/genlog.py" "$LOG" "$MB"
    fi
    SMALL="$WORK/generated-$((MB / 10 > 0 ? MB / 10 : 1))mb.log"
    [[ -s "$SMALL" ]] || python3 "$HERE/genlog.py" "$SMALL" "$((MB / 10 > 0 ? MB / 10 : 1))"
    compare "$LOG" "$SMALL"
fi
