#!/usr/bin/env bash
# A static site deploy to S3 + CloudFront on moto_server (signature checks on): a generated site of
# FILES files (default 1000), first deploy and an unchanged redeploy, with wall time and requests per
# file (counted from moto's request log), against `aws s3 cp --recursive` of the same folder in the
# same run (`aws s3 sync` lists with an encoded slash in the query, which moto's signature check refuses).
#
#   bench/deploy/static.sh [FILES]        CONFIG=debug measures the debug binary
set -euo pipefail
cd "$(dirname "$0")/../.."
FILES="${1:-1000}"
CONFIG="${CONFIG:-release}"
source scripts/setup.sh --test >/dev/null
source scripts/moto.sh
moto_start
WORK="$(mktemp -d -t static-bench.XXXXXX)"
trap 'moto_stop; rm -rf "$WORK"' EXIT

swift build --product deployotron -c "$CONFIG" >/dev/null
BIN="$(swift build -c "$CONFIG" --show-bin-path)/deployotron"

# The site: an index, pages, and fingerprinted assets of 1-8 KB.
SITE="$WORK/site"
mkdir -p "$SITE/assets" "$SITE/pages"
echo "<h1>bench</h1>" >"$SITE/index.html"
python3 - "$SITE" "$FILES" <<'PY'
import os, random, sys, hashlib
site, count = sys.argv[1], int(sys.argv[2])
random.seed(7)
for i in range(count - 1):
    body = os.urandom(random.randint(1024, 8192))
    if i % 4 == 0:
        path = f"pages/page-{i}.html"
    else:
        path = f"assets/chunk-{i}.{hashlib.md5(body).hexdigest()[:8]}.js"
    with open(os.path.join(site, path), "wb") as f:
        f.write(body)
PY

export AWS_ENDPOINT_URL="$DEPLOYOTRON_TEST_MOTO_ENDPOINT" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID="$DEPLOYOTRON_TEST_MOTO_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$DEPLOYOTRON_TEST_MOTO_SECRET_ACCESS_KEY"
export HOME="$WORK/home" XDG_STATE_HOME="$WORK/state" DEPLOYOTRON_STORE="sqlite:$WORK/ledger.sqlite"
mkdir -p "$HOME"

requests() { grep -c '" [0-9][0-9][0-9] ' "$MOTO_LOG" || true; }
measure() { # label command...
    local before after start end
    before=$(requests); start=$(date +%s.%N)
    "${@:2}" >"$WORK/out.log" 2>&1 || { cat "$WORK/out.log"; exit 1; }
    end=$(date +%s.%N); after=$(requests)
    python3 -c "import sys; w=float(sys.argv[2])-float(sys.argv[1]); r=int(sys.argv[4])-int(sys.argv[3]); n=int(sys.argv[5]); print(f'{sys.argv[6]:<28} {w:7.2f} s  {r:6d} requests  {r/n:5.2f} per file'); open(sys.argv[7],'a').write(f'{sys.argv[6]} {w}\n')" \
        "$start" "$end" "$before" "$after" "$FILES" "$1" "$WORK/times"
}

echo "== $FILES files, $CONFIG build, moto with signature checks"
measure "deployotron first deploy" "$BIN" deploy --target s3-cloudfront "$SITE"
measure "deployotron unchanged" "$BIN" deploy --target s3-cloudfront "$SITE"
aws --endpoint-url "$AWS_ENDPOINT_URL" s3 mb s3://bench-reference >/dev/null
measure "aws s3 cp (reference)" aws --endpoint-url "$AWS_ENDPOINT_URL" s3 cp --recursive --quiet "$SITE" s3://bench-reference/release-1/
python3 - "$WORK/times" <<'PY'
import sys
t = dict(line.rsplit(" ", 1) for line in open(sys.argv[1]).read().splitlines())
t = {k: float(v) for k, v in t.items()}
print(f"ratio first deploy / aws s3 cp:        {t['deployotron first deploy'] / t['aws s3 cp (reference)']:.2f}")
print(f"ratio unchanged redeploy / first:      {t['deployotron unchanged'] / t['deployotron first deploy']:.2f}")
PY
