#!/usr/bin/env bash
# Benchmarks SigV4 signing: deployotron's signer (release build, module AWS's own sources) against
# botocore's SigV4Auth on the same DynamoDB PutItem request, in the same invocation.
# Prints signatures per second for each and the ratio swift/python (above 1: ours is faster).
#
# Usage: bench/aws/run.sh [signatures per run, default 20000]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COUNT="${1:-20000}"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
python3 -c 'import botocore' 2>/dev/null || { echo "bench: botocore is missing; pip install botocore" >&2; exit 1; }

echo "bench: building the signer driver (release)" >&2
swift build -c release --package-path "$here/driver" --scratch-path "$here/driver/.build" >&2
BIN="$here/driver/.build/release/sigv4-bench"

"$BIN" 200 >/dev/null   # warm-up
read -r _ swift_n swift_s swift_sig < <("$BIN" "$COUNT")
read -r _ py_n py_s py_sig < <(python3 "$here/reference.py" "$COUNT")
# Both sign the same request at the same time with the same key: the signatures must agree.
if [ "$swift_sig" != "$py_sig" ]; then
  echo "bench: the signatures differ (swift $swift_sig, botocore $py_sig): the two did not do the same work" >&2
  exit 1
fi
python3 - "$swift_n" "$swift_s" "$py_n" "$py_s" <<'PY'
import sys
swift_n, swift_s, py_n, py_s = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
swift_rate, py_rate = swift_n / swift_s, py_n / py_s
print(f"sigv4 sign, deployotron (Swift, release): {swift_rate:,.0f} signatures/s ({swift_n} in {swift_s:.3f} s)")
print(f"sigv4 sign, reference botocore SigV4Auth:  {py_rate:,.0f} signatures/s ({py_n} in {py_s:.3f} s)")
print(f"ratio deployotron/botocore: {swift_rate / py_rate:.2f}")
PY
