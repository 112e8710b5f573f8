#!/usr/bin/env bash
# Time `deployotron skills` (discover, parse the frontmatter of, and list every skill) over many
# skills, against `cat` reading the same SKILL.md files, measured in this same run.
#
#   bench/skills/discovery.sh [SKILLS] [RUNS]   (defaults 300 and 15; needs a built
#                                               .build/debug/deployotron or DEPLOYOTRON_BIN)
# Prints the median of each and the ratio of the medians. The skills live in a temporary HOME's
# ~/.claude/skills, a third of them with frontmatter that is not valid YAML (the slow path).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
skills="${1:-300}"
runs="${2:-15}"
bin="${DEPLOYOTRON_BIN:-$here/.build/debug/deployotron}"
[ -x "$bin" ] || { echo "no deployotron binary at $bin: run swift build (or set DEPLOYOTRON_BIN)" >&2; exit 1; }

BIN="$bin" SKILLS="$skills" RUNS="$runs" python3 - <<'PY'
import os, statistics, subprocess, tempfile, time

binary, count, runs = os.environ["BIN"], int(os.environ["SKILLS"]), int(os.environ["RUNS"])
paragraph = "Check the build output, upload the assets, then verify the URL answers. " * 6

with tempfile.TemporaryDirectory() as home:
    root = os.path.join(home, ".claude", "skills")
    project = os.path.join(home, "project")
    os.makedirs(project)
    files = []
    for i in range(count):
        folder = os.path.join(root, f"skill-{i:04d}")
        os.makedirs(folder)
        if i % 3 == 0:
            front = f"name: skill-{i:04d}\ndescription: Use when: the user asks for task {i}\n"
        else:
            front = f"name: skill-{i:04d}\ndescription: Does task {i} for the project.\nmetadata:\n  version: {i}\n"
        body = "\n\n".join(f"## Step {n}\n\n{paragraph}" for n in range(8))
        path = os.path.join(folder, "SKILL.md")
        with open(path, "w") as f:
            f.write(f"---\n{front}---\n\n# Skill {i}\n\n{body}\n")
        files.append(path)

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8",
           "DEPLOYOTRON_HOME": os.path.join(home, "no-such-data")}

    def timed(argv):
        start = time.perf_counter()
        subprocess.run(argv, cwd=project, env=env, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start

    timed([binary, "skills"])  # warm the file cache
    ours, reference = [], []
    for _ in range(runs):
        reference.append(timed(["cat"] + files))
        ours.append(timed([binary, "skills"]))
    mo, mr = statistics.median(ours), statistics.median(reference)
    print(f"skills: {count}, runs: {runs}")
    print(f"deployotron skills   median {mo * 1000:.1f} ms")
    print(f"cat of the same files median {mr * 1000:.1f} ms")
    print(f"ratio (deployotron / cat): {mo / mr:.1f}")
PY
