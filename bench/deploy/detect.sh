#!/usr/bin/env bash
# Detection benchmark: `deployotron detect` on small example projects and on a generated
# 100k-file tree, against `find` over the same trees in the same invocation.
#
#   bench/deploy/detect.sh [path/to/deployotron]   # times `deployotron detect --json` (process included)
#   bench/deploy/detect.sh --in-process            # times StackDetector inside one test process
#
# Prints one line per case: median milliseconds of detect, of the reference, and their ratio.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
runs=${RUNS:-5}
mode=binary
if [ "${1:-}" = "--in-process" ]; then
  mode=in-process
else
  bin=${1:-${DEPLOYOTRON_BIN:-$here/.build/debug/deployotron}}
  if [ ! -x "$bin" ]; then
    echo "no deployotron binary at $bin: run \`swift build\` first, pass its path, or use --in-process" >&2
    exit 1
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/deployotron-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

now_ns() { date +%s%N; }

# median_ms CMD...: runs CMD $runs times, prints the median wall time in milliseconds.
median_ms() {
  local times=() start end
  for _ in $(seq "$runs"); do
    start=$(now_ns)
    "$@" > /dev/null
    end=$(now_ns)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] / 1000 }'
}

project() { # project NAME FILE CONTENT [FILE CONTENT]...
  local root="$work/examples/$1"; shift
  while [ $# -gt 0 ]; do mkdir -p "$(dirname "$root/$1")"; printf '%s\n' "$2" > "$root/$1"; shift 2; done
}

project express package.json '{"dependencies": {"express": "^4"}, "scripts": {"start": "node server.js"}}' package-lock.json '{}' server.js 'app.listen(3000)'
project next package.json '{"dependencies": {"next": "14", "react": "18"}, "scripts": {"build": "next build"}}' pnpm-lock.yaml ''
project django requirements.txt 'Django==5.0
gunicorn' manage.py 'import django' mysite/wsgi.py ''
project fastapi pyproject.toml '[tool.poetry.dependencies]
fastapi = "*"' poetry.lock '' main.py 'app = FastAPI()'
project rails Gemfile 'gem "rails"' config/application.rb '' package.json '{"dependencies": {"esbuild": "1"}}'
project laravel composer.json '{"require": {"laravel/framework": "^11"}}' artisan ''
project spring pom.xml '<artifactId>spring-boot-starter-web</artifactId>'
project gin go.mod 'require github.com/gin-gonic/gin v1.10.0' main.go 'package main'
project axum Cargo.toml '[package]
name = "svc"
[dependencies]
axum = "0.7"'
project aspnet Api.csproj '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>'
project phoenix mix.exs '[app: :hello, deps: [{:phoenix, "~> 1.7"}]]'
project monorepo package.json '{"workspaces": ["apps/*"]}' apps/web/package.json '{"dependencies": {"next": "14"}}' apps/api/package.json '{"dependencies": {"fastify": "4"}}'

# The large tree: a monorepo with 100k files, a third of them in node_modules (never walked).
python3 - "$work/big" <<'PY'
import os, sys
root = sys.argv[1]
def write(path, text=""):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f: f.write(text)
write(f"{root}/package.json", '{"workspaces": ["apps/*", "packages/*"]}')
write(f"{root}/apps/web/package.json", '{"dependencies": {"next": "14", "react": "18"}, "scripts": {"build": "next build"}}')
write(f"{root}/apps/api/package.json", '{"dependencies": {"fastify": "4"}}')
count = 3
for i in range(33000):
    write(f"{root}/node_modules/pkg{i // 100}/lib/f{i % 100}.js", "module.exports = 1")
    count += 1
i = 0
while count < 100000:
    app = ("web", "api")[i % 2]
    write(f"{root}/apps/{app}/src/m{i // 2000}/d{(i // 100) % 20}/f{i % 100}.ts", "export const x = 1")
    i += 1
    count += 1
PY

# detect_ms NAME DIR: the median detection time of DIR.
declare -A inproc
if [ "$mode" = in-process ]; then
  mkdir -p "$work/all"
  for dir in "$work"/examples/*/; do ln -s "$dir" "$work/all/$(basename "$dir")"; done
  ln -s "$work/big" "$work/all/tree-100k"
  (cd "$here" && DEPLOYOTRON_BENCH_ROOT="$work/all" RUNS=$runs DEPLOYOTRON_TARGETS=Deploy \
    swift test --scratch-path "${SCRATCH:-.build-deploy}" --filter DetectionBenchmark 2>/dev/null) \
    | awk '/^BENCH / { print $2, $3 }' > "$work/inproc.txt"
  while read -r name ms; do inproc[$name]=$ms; done < "$work/inproc.txt"
fi
detect_ms() {
  if [ "$mode" = in-process ]; then echo "${inproc[$1]}"; else median_ms "$bin" detect --json "$2"; fi
}

echo "mode: $mode, median of $runs runs"
printf '%-12s %10s %10s %8s\n' case detect_ms find_ms ratio
for dir in "$work"/examples/*/; do
  name=$(basename "$dir")
  d=$(detect_ms "$name" "$dir")
  f=$(median_ms find "$dir" -type f)
  printf '%-12s %10s %10s %8s\n' "$name" "$d" "$f" "$(awk -v a="$d" -v b="$f" 'BEGIN { printf "%.2f", a / b }')"
done
files=$(find "$work/big" -type f | wc -l)
d=$(detect_ms tree-100k "$work/big")
f=$(median_ms find "$work/big" -type f)
fp=$(median_ms find "$work/big" -name node_modules -prune -o -type f -print)
printf '%-12s %10s %10s %8s   (%s files; find skipping node_modules: %s ms, ratio %s)\n' "tree-100k" "$d" "$f" \
  "$(awk -v a="$d" -v b="$f" 'BEGIN { printf "%.2f", a / b }')" "$files" "$fp" "$(awk -v a="$d" -v b="$fp" 'BEGIN { printf "%.2f", a / b }')"
