#!/usr/bin/env bash
# Time from starting `deployotron` (the REPL, on a pseudo-terminal) to its first prompt, against
# the time to start and finish `true` on the same kind of terminal, measured in this same run.
#
#   bench/engine/first-prompt.sh [RUNS]        (default 20; needs a built .build/debug/deployotron
#                                               or DEPLOYOTRON_BIN, and python3 with pexpect)
# Prints the median and p90 of each and the ratio of the medians. No API key is set and no
# network is used: the REPL opens without one.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-20}"
bin="${DEPLOYOTRON_BIN:-$here/.build/debug/deployotron}"
[ -x "$bin" ] || { echo "no deployotron binary at $bin: run swift build (or set DEPLOYOTRON_BIN)" >&2; exit 1; }

BIN="$bin" RUNS="$runs" python3 - <<'PY'
import os, statistics, tempfile, time
import pexpect

binary, runs = os.environ["BIN"], int(os.environ["RUNS"])

with tempfile.TemporaryDirectory() as home:
    project = os.path.join(home, "project")
    os.makedirs(project)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TERM": "xterm", "NO_COLOR": "1",
           "XDG_STATE_HOME": os.path.join(home, "state"), "XDG_DATA_HOME": os.path.join(home, "data"),
           "XDG_CONFIG_HOME": os.path.join(home, "config"), "LANG": "C.UTF-8"}

    def first_prompt():
        start = time.perf_counter()
        child = pexpect.spawn(binary, [], cwd=project, env=env, encoding="utf-8", timeout=30)
        child.expect_exact("> ")
        elapsed = time.perf_counter() - start
        # libedit shows the prompt a moment before it takes the terminal over: a ^D typed in that
        # moment is eaten, so give it a human's pause (outside the measured time).
        time.sleep(0.1)
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
        child.close()
        return elapsed

    def true_run():
        start = time.perf_counter()
        child = pexpect.spawn("true", [], cwd=project, env=env, encoding="utf-8", timeout=30)
        child.expect(pexpect.EOF)
        elapsed = time.perf_counter() - start
        child.close()
        return elapsed

    first_prompt()  # warm the file cache
    ours, reference = [], []
    for _ in range(runs):
        reference.append(true_run())
        ours.append(first_prompt())

def p90(values):
    return sorted(values)[max(0, int(round(0.9 * len(values))) - 1)]

m_ours, m_ref = statistics.median(ours), statistics.median(reference)
print(f"runs={runs}")
print(f"true (pty spawn to exit)        median_ms={m_ref*1000:.1f} p90_ms={p90(reference)*1000:.1f}")
print(f"deployotron (spawn to prompt)   median_ms={m_ours*1000:.1f} p90_ms={p90(ours)*1000:.1f}")
print(f"ratio_first_prompt_vs_true={m_ours/m_ref:.2f}")
PY
