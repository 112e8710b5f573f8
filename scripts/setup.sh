#!/usr/bin/env bash
# Installs what deployotron needs to build and test on Debian, skipping what is there.
# Usage: scripts/setup.sh [--test]   (--test adds what the tests run: moto, pytest, pexpect, boto3, podman, chromium, schemathesis)
set -euo pipefail

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=""
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  ((${#missing[@]})) || return 0
  echo "setup: installing ${missing[*]}" >&2
  [ -n "$apt_updated" ] || { $SUDO apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# pip into whichever python3 is first on PATH; Debian's own python refuses a plain install
# (PEP 668), so fall back to --break-system-packages there.
pip_install() {
  python3 -m pip install -q "$@" 2>/dev/null || python3 -m pip install -q --break-system-packages "$@"
}

apt_install libedit-dev libsqlite3-dev pkg-config curl

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
  else
    echo "setup: no Swift toolchain found; install Swift 6.1 or newer from swift.org and run this again" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--test" ]; then
  command -v python3 >/dev/null 2>&1 || apt_install python3
  if ! python3 -c 'import moto.moto_server.werkzeug_app, flask, flask_cors, pytest, pexpect, boto3' >/dev/null 2>&1; then
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    echo "setup: installing moto[server], pytest, pexpect and boto3 for the tests" >&2
    pip_install 'moto[server]' pytest pexpect boto3
  fi
  python3 -c 'import hcl2' >/dev/null 2>&1 || pip_install python-hcl2  # parses the generated Terraform in the tests
  # The official MCP Python SDK: the client of `deployotron mcp` and a server for its client (Tests/mcp).
  python3 -c 'import mcp.server.fastmcp' >/dev/null 2>&1 || pip_install 'mcp>=1.10,<2'
  # The pages' tests (Tests/pages): Debian's headless Chromium driven over its DevTools websocket,
  # and schemathesis fuzzing the server against notify/openapi.json.
  command -v chromium >/dev/null 2>&1 || apt_install chromium || echo "setup: could not install chromium; the browser tests will skip" >&2
  python3 -c 'import schemathesis, websocket' >/dev/null 2>&1 || pip_install schemathesis websocket-client
  # A real container engine for the engine tests (scripts/engine.sh): rootful podman behind the
  # docker CLI, runc, static busybox for FROM-scratch test images, compose v1 for the compose test.
  if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1; then
    apt_install podman runc busybox-static docker-compose || echo "setup: could not install podman; the engine tests will skip" >&2
    # A local registry (scripts/registry.sh) for the test that pushes an image as an ECS deploy does.
    command -v docker-registry >/dev/null 2>&1 || apt_install docker-registry || echo "setup: no docker-registry; the registry push test will skip" >&2
    # Debian 12 packages the docker CLI only with its engine (docker.io); the tests use the CLI against podman.
    command -v docker >/dev/null 2>&1 || apt_install docker.io || echo "setup: no docker CLI; the engine tests will skip" >&2
  fi
fi
