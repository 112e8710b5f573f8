#!/usr/bin/env python3
"""LogChunks: does the excerpt keep the labelled failure chunk, and how big is it?

Usage: chunks.py DRIVER LOGCHUNKS_DIR [--budget N] [--tail N] [--show-misses]
Runs `DRIVER excerpt LOG BUDGET` on every case of LOGCHUNKS_DIR/index.tsv and scores it with
../shared/bench/score_chunks.py; with --tail N scores `tail -N` instead (the baseline).
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCORER = os.environ.get("SCORE_CHUNKS", os.path.join(HERE, "../../../shared/bench/score_chunks.py"))
sys.path.insert(0, os.path.dirname(os.path.abspath(SCORER)))
import score_chunks  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("driver")
    ap.add_argument("logchunks")
    ap.add_argument("--budget", type=int, default=2000)
    ap.add_argument("--tail", type=int, default=0)
    ap.add_argument("--show-misses", action="store_true")
    a = ap.parse_args()
    cases = []
    with open(os.path.join(a.logchunks, "index.tsv")) as f:
        next(f)
        for line in f:
            cases.append(line.split("\t")[0])
    results = []
    for case in cases:
        d = os.path.join(a.logchunks, "cases", case)
        log = os.path.join(d, "log.txt")
        if a.tail:
            with open(log, "rb") as f:
                lines = f.read().split(b"\n")
            excerpt = b"\n".join(lines[-a.tail - 1:]).decode("utf-8", "replace")
        else:
            excerpt = subprocess.run([a.driver, "excerpt", log, str(a.budget)], capture_output=True,
                                     check=True).stdout.decode("utf-8", "replace")
        res = score_chunks.score(score_chunks.read(os.path.join(d, "chunk.txt")), excerpt)
        res["case"] = case
        results.append(res)
        if a.show_misses and res["outcome"] != "success":
            print("MISS %s recall %.2f tokens %d" % (case, res["recall"], res["excerpt"]["tokens_est"]))
            for m in res["missed_chunk_lines"][:3]:
                print("    " + m[:150])
    scored = [r for r in results if r["outcome"] != "empty-chunk"]
    success = sum(1 for r in scored if r["outcome"] == "success")
    tokens = [r["excerpt"]["tokens_est"] for r in scored]
    summary = {
        "mode": "tail-%d" % a.tail if a.tail else "excerpt-budget-%d" % a.budget,
        "cases": len(scored),
        "success_rate": success / len(scored),
        "mean_recall": statistics.mean(r["recall"] for r in scored),
        "median_tokens": statistics.median(tokens),
        "p90_tokens": sorted(tokens)[int(0.9 * (len(tokens) - 1))],
    }
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
