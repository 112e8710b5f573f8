#!/usr/bin/env python3
"""Drain3 on the same input, for the throughput comparison in run.sh.

Usage: drain3_throughput.py LOG
Feeds every line to drain3.TemplateMiner (its default configuration, no persistence) and
prints one JSON object: lines, bytes, seconds (wall), cpu_seconds, lines_per_s, mb_per_s, templates.
"""
import json
import resource
import sys
import time

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig


def main():
    path = sys.argv[1]
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    lines = 0
    size = 0
    start = time.monotonic()
    cpu0 = time.process_time()
    with open(path, "rb") as f:
        for raw in f:
            size += len(raw)
            lines += 1
            miner.add_log_message(raw.decode("utf-8", "replace").rstrip("\r\n"))
    seconds = time.monotonic() - start
    cpu = time.process_time() - cpu0
    print(json.dumps({
        "lines": lines, "bytes": size, "seconds": seconds, "cpu_seconds": cpu,
        "lines_per_s": lines / seconds, "mb_per_s": size / 1e6 / seconds,
        "lines_per_cpu_s": lines / cpu, "mb_per_cpu_s": size / 1e6 / cpu,
        "templates": len(miner.drain.clusters),
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
