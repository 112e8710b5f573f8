#!/usr/bin/env bash
# Starts a local Docker registry (Debian's docker-registry, plain HTTP on a free loopback port) for
# the test that pushes a real image the way an ECS deploy does. Sourced by scripts/test.sh BEFORE
# scripts/engine.sh: podman reads registries.conf when its service starts, and only a registry that
# file marks insecure can be pushed to over HTTP.
#
#   source scripts/registry.sh; registry_start; trap registry_stop EXIT
#
# Exports DEPLOYOTRON_TEST_REGISTRY (host:port) and CONTAINERS_REGISTRIES_CONF. Without the
# docker-registry binary it prints one warning line and returns 0: the push test then skips.

registry_start() {
  REGISTRY_DIR=""
  REGISTRY_PID=""
  if ! command -v docker-registry >/dev/null 2>&1; then
    echo "registry.sh: warning: docker-registry is missing (apt-get install docker-registry), so the registry push test will skip" >&2
    return 0
  fi
  REGISTRY_DIR="$(mktemp -d -t deployotron-registry.XXXXXX)"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$REGISTRY_DIR/config.yml" <<CONF
version: 0.1
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
http:
  addr: 127.0.0.1:$port
CONF
  cat >"$REGISTRY_DIR/registries.conf" <<CONF
[[registry]]
location = "127.0.0.1:$port"
insecure = true
CONF
  docker-registry serve "$REGISTRY_DIR/config.yml" >"$REGISTRY_DIR/registry.log" 2>&1 &
  REGISTRY_PID=$!
  for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
    sleep 0.2
  done
  if ! curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
    echo "registry.sh: warning: docker-registry did not answer (see $REGISTRY_DIR/registry.log), so the registry push test will skip" >&2
    registry_stop
    return 0
  fi
  export DEPLOYOTRON_TEST_REGISTRY="127.0.0.1:$port"
  export CONTAINERS_REGISTRIES_CONF="$REGISTRY_DIR/registries.conf"
}

registry_stop() {
  if [ -n "${REGISTRY_PID:-}" ]; then
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
  fi
  if [ -n "${REGISTRY_DIR:-}" ]; then rm -rf "$REGISTRY_DIR"; fi
  REGISTRY_PID=""
  REGISTRY_DIR=""
  unset DEPLOYOTRON_TEST_REGISTRY
}
