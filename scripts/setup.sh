#!/usr/bin/env bash
# Installs what deployotron needs to build and test on Debian, skipping what is there.
# Usage: scripts/setup.sh [--test]   (--test adds the test servers: moto_server)
set -euo pipefail

need_apt=()
for pkg in libedit-dev libsqlite3-dev pkg-config curl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
  else
    echo "setup: no Swift toolchain found; install Swift 6.1 or newer from swift.org and run this again" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--test" ]; then
  if ! command -v moto_server >/dev/null 2>&1 || ! python3 -c 'import flask, flask_cors' >/dev/null 2>&1; then
    echo "setup: installing moto[server] for the DynamoDB tests" >&2
    python3 -m pip install -q 'moto[server]'
  fi
fi
