#!/usr/bin/env bash
# Installs what deployotron needs to build and test on Debian, skipping what is there.
# Usage: scripts/setup.sh [--test]   (--test adds what the tests run: moto_server, pytest, pexpect, boto3)
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
  if ! python3 -c 'import pytest, pexpect, boto3' >/dev/null 2>&1; then
    echo "setup: installing pytest, pexpect and boto3 for the terminal and seed-compatibility tests" >&2
    python3 -m pip install -q pytest pexpect boto3
  fi
fi
