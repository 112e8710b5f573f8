#!/usr/bin/env bash
# Starts moto_server on a free loopback port for the DynamoDB tests and exports
# DEPLOYOTRON_TEST_MOTO_ENDPOINT. Sourced by scripts/test.sh.

moto_start() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  MOTO_LOG="$(mktemp -t moto.XXXXXX.log)"
  moto_server -H 127.0.0.1 -p "$port" >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/" && break
    sleep 0.1
  done
  export DEPLOYOTRON_TEST_MOTO_ENDPOINT="http://127.0.0.1:$port"
}

moto_stop() {
  [ -n "${MOTO_PID:-}" ] && kill "$MOTO_PID" 2>/dev/null || true
}
