#!/usr/bin/env bash
# Installs what is missing, builds deployotron and opens the REPL in the current project,
# on the embedded SQLite store. Arguments are passed to deployotron.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/setup.sh"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --package-path "$here" >&2
exec "$here/.build/release/deployotron" "$@"
