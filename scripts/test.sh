#!/usr/bin/env bash
# Installs what is missing and runs the whole test suite: unit tests, server tests over
# real sockets, DynamoDB tests against moto_server on loopback, and the REPL through a pty.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/setup.sh --test
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

# moto_server stands in for DynamoDB, with SigV4 verification switched on (scripts/moto.sh).
source scripts/moto.sh
moto_start
# A local registry for the test that pushes an image as an ECS deploy does; started before the
# engine, whose podman service reads the registries.conf that lets it push there over HTTP.
source scripts/registry.sh
registry_start
# A real engine (rootful podman behind the docker CLI) for the engine tests; they skip without one.
source scripts/engine.sh
engine_start
trap 'moto_stop; engine_stop; registry_stop' EXIT

swift build --build-tests
swift test --skip-build "$@"

# The REPL through a real pseudo-terminal, against a fake Messages API (pytest + pexpect).
python3 -m pytest -q Tests/pty

# MCP both ways with the official Python SDK: its client drives `deployotron mcp`; its server is
# used by the REPL (through a pty) and by -p, against the same fake Messages API.
python3 -m pytest -q Tests/mcp

# The pages in headless Chromium and the API under schemathesis, against a real serve on both
# stores (pytest; screenshots under /tmp, not in the repository).
python3 -m pytest -q Tests/pages

# scripts/install.sh into a temporary prefix, then the installed binary with no Swift toolchain in
# its environment (a release build into .build-release: many minutes the first time).
python3 -m pytest -q Tests/install
