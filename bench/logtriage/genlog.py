#!/usr/bin/env python3
"""Writes a synthetic service log of about SIZE_MB megabytes for the throughput benchmark.

Usage: genlog.py OUT SIZE_MB
Seven message shapes (requests, compiles, downloads, retries, GC pauses, failures) with random
numbers, ids, IPs and paths, under timestamp / level / thread headers; seeded, so every run
writes the same file.
"""
import random
import sys

SHAPES = [
    ("{ts} INFO  [worker-{n}] Compiling module src/app/module_{n}.ts ({n} ms)", 30),
    ("{ts} DEBUG [http-nio-8080-exec-{n}] GET /api/v1/items/{id} 200 {n}ms", 30),
    ("{ts} INFO  [main] Downloading https://registry.npmjs.org/pkg-{n}/-/pkg-{n}-1.{n}.{n}.tgz", 15),
    ("{ts} WARN  [pool-{n}] Retrying request to 10.0.{n}.{n}:5432 after {n} ms", 5),
    ("{ts} INFO  [scheduler] Task {id} finished in {n}.{n}s with status OK", 15),
    ("{ts} ERROR [worker-{n}] Failed to connect to redis at 10.0.{n}.{n}:6379: Connection refused", 1),
    ("{ts} INFO  [gc] Pause young (G1 Evacuation Pause) {n}M->{n}M({n}M) {n}.{n}ms", 4),
]


def main():
    out, size_mb = sys.argv[1], float(sys.argv[2])
    rng = random.Random(7)
    shapes = [s for s, _ in SHAPES]
    weights = [w for _, w in SHAPES]
    limit = int(size_mb * 1_000_000)
    written = 0
    i = 0
    with open(out, "w") as f:
        while written < limit:
            batch = []
            for _ in range(10_000):
                shape = rng.choices(shapes, weights)[0]
                ts = "2024-05-%02d 12:%02d:%02d.%03d" % (1 + i % 28, i % 60, (i // 60) % 60, i % 1000)
                batch.append(shape.format(ts=ts, n=rng.randint(0, 99999), id="%08x" % rng.getrandbits(32)) + "\n")
                i += 1
            text = "".join(batch)
            f.write(text)
            written += len(text)


if __name__ == "__main__":
    main()
