#!/usr/bin/env python3
"""LogChunks, leave one repository out: an estimate of the excerpt on repositories it never saw.

Usage: loo.py DRIVER LOGCHUNKS_DIR [--budgets 1500,2000,3000] [--step-lines 30,60,120] [--target 1500]
              [--tails 200,50] [--show-repos]

Every case's excerpt is made once per setting, a budget and a number of lines offered before the
failed step's end (`LT_STEP_LINES=S DRIVER excerpt LOG BUDGET`), and scored with
../shared/bench/score_chunks.py (success: the whole labelled chunk is in the excerpt). Then, for
each repository in turn, the setting is chosen on the other repositories (the highest success rate
whose median excerpt stays within --target tokens; the smallest median if none does) and the
held-out repository is scored with it. Reported: the mean over repositories of the held-out
success rate, the worst repository, the pooled success rate and median tokens of the held-out
excerpts, and the same figures for `tail -N` (no parameter to choose). One JSON object per line.
"""
import argparse, collections, json, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCORER = os.environ.get("SCORE_CHUNKS", os.path.join(HERE, "../../../shared/bench/score_chunks.py"))
sys.path.insert(0, os.path.dirname(os.path.abspath(SCORER)))
import score_chunks  # noqa: E402


def cases(root):
    with open(os.path.join(root, "index.tsv")) as f:
        header = next(f).rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            yield row["case"], row["repo"]


def tail(log, n):
    with open(log, "rb") as f:
        lines = f.read().split(b"\n")
    return b"\n".join(lines[-n - 1:]).decode("utf-8", "replace")


def score(root, case, excerpt):
    d = os.path.join(root, "cases", case)
    res = score_chunks.score(score_chunks.read(os.path.join(d, "chunk.txt")), excerpt)
    if res["outcome"] == "empty-chunk":
        return None
    return (res["outcome"] == "success", res["excerpt"]["tokens_est"])


def summary(name, by_repo, extra=None):
    """by_repo: repo -> list of (success, tokens) on held-out cases."""
    rates = {r: sum(s for s, _ in v) / len(v) for r, v in by_repo.items() if v}
    pooled = [x for v in by_repo.values() for x in v]
    worst = min(rates, key=lambda r: (rates[r], r))
    out = {
        "mode": name,
        "repos": len(rates),
        "cases": len(pooled),
        "loo_mean_success": round(statistics.mean(rates.values()), 4),
        "worst_repo": worst,
        "worst_repo_success": round(rates[worst], 4),
        "pooled_success": round(sum(s for s, _ in pooled) / len(pooled), 4),
        "median_tokens": statistics.median(t for _, t in pooled),
        "p90_tokens": sorted(t for _, t in pooled)[int(0.9 * (len(pooled) - 1))],
    }
    out.update(extra or {})
    return out, rates


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("driver")
    ap.add_argument("logchunks")
    ap.add_argument("--budgets", default="1500,2000,3000")
    ap.add_argument("--step-lines", default="30,60,120")
    ap.add_argument("--target", type=int, default=1500)
    ap.add_argument("--tails", default="200,50")
    ap.add_argument("--show-repos", action="store_true")
    a = ap.parse_args()
    budgets = [(int(b), int(n)) for b in a.budgets.split(",") if b for n in a.step_lines.split(",") if n]
    all_cases = list(cases(a.logchunks))
    repos = sorted({r for _, r in all_cases})

    # results[budget][case] = (success, tokens)
    results = {}
    for budget in budgets:
        results[budget] = {}
        env = dict(os.environ, LT_STEP_LINES=str(budget[1]))
        for case, _ in all_cases:
            log = os.path.join(a.logchunks, "cases", case, "log.txt")
            run = subprocess.run([a.driver, "excerpt", log, str(budget[0])], capture_output=True, env=env)
            if run.returncode != 0:
                print(json.dumps({"crash": case, "budget": budget, "code": run.returncode}), flush=True)
                excerpt = ""
            else:
                excerpt = run.stdout.decode("utf-8", "replace")
            r = score(a.logchunks, case, excerpt)
            if r is not None:
                results[budget][case] = r

    # Leave one repository out: choose the budget on the others, score the one left out.
    held = collections.defaultdict(list)
    chosen = {}
    for repo in repos:
        train = [c for c, r in all_cases if r != repo]
        best = None
        for budget in budgets:
            got = [results[budget][c] for c in train if c in results[budget]]
            rate = sum(s for s, _ in got) / len(got)
            med = statistics.median(t for _, t in got)
            key = (med <= a.target, rate if med <= a.target else -med)
            if best is None or key > best[0]:
                best = (key, budget)
        chosen[repo] = best[1]
        held[repo] = [results[best[1]][c] for c, r in all_cases if r == repo and c in results[best[1]]]
    line, rates = summary("excerpt-loo", held, {"chosen": {"%d/%d" % k: v for k, v in collections.Counter(chosen.values()).items()}})
    print(json.dumps(line, sort_keys=True), flush=True)
    if a.show_repos:
        for repo in sorted(rates, key=rates.get):
            print("  %-40s %.3f  (%d cases, budget %d, step lines %d)" % ((repo, rates[repo], len(held[repo])) + chosen[repo]))

    # In-sample, per budget, for reference.
    for budget in budgets:
        by_repo = collections.defaultdict(list)
        for c, r in all_cases:
            if c in results[budget]:
                by_repo[r].append(results[budget][c])
        line, _ = summary("excerpt-budget-%d-step-%d (in-sample)" % budget, by_repo)
        print(json.dumps(line, sort_keys=True), flush=True)

    for n in [int(t) for t in a.tails.split(",") if t]:
        by_repo = collections.defaultdict(list)
        for c, r in all_cases:
            res = score(a.logchunks, c, tail(os.path.join(a.logchunks, "cases", c, "log.txt"), n))
            if res is not None:
                by_repo[r].append(res)
        line, _ = summary("tail-%d" % n, by_repo)
        print(json.dumps(line, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
