#!/usr/bin/env bash
# Starts a real container engine for the engine tests: rootful podman's Docker-compatible API on a
# socket in a temporary folder, driven by the docker CLI. Sourced by scripts/test.sh:
#
#   source scripts/engine.sh; engine_start; trap engine_stop EXIT
#
# Exports DOCKER_HOST and DEPLOYOTRON_TEST_ENGINE=1 when the engine answers. When podman cannot
# start (no root, no docker CLI, a kernel it cannot use), prints one warning line and returns 0:
# the engine tests then skip themselves.
#
# The settings in containers.conf are the ones this kind of machine needs (Debian 12 on a
# Firecracker VM, cgroup v1): crun refuses hybrid cgroups, so runc; and the VM's limits on open
# files and processes are lower than podman's defaults, so the containers ask for no more.

engine_start() {
  ENGINE_DIR=""
  ENGINE_PID=""
  if [ -n "${DOCKER_HOST:-}" ] && docker version >/dev/null 2>&1; then
    echo "engine.sh: using the engine at DOCKER_HOST=$DOCKER_HOST" >&2
    export DEPLOYOTRON_TEST_ENGINE=1
    return 0
  fi
  if ! command -v podman >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    echo "engine.sh: warning: podman or the docker CLI is missing, so the engine tests will skip" >&2
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "engine.sh: warning: rootless podman cannot publish ports here; run as root for the engine tests (they will skip)" >&2
    return 0
  fi

  ENGINE_DIR="$(mktemp -d -t deployotron-engine.XXXXXX)"
  cat >"$ENGINE_DIR/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
CONF
  export CONTAINERS_CONF="$ENGINE_DIR/containers.conf"
  podman system service --time=0 "unix://$ENGINE_DIR/podman.sock" >"$ENGINE_DIR/podman.log" 2>&1 &
  ENGINE_PID=$!

  local host="unix://$ENGINE_DIR/podman.sock"
  for _ in $(seq 1 60); do
    DOCKER_HOST="$host" docker version >/dev/null 2>&1 && break
    kill -0 "$ENGINE_PID" 2>/dev/null || break
    sleep 0.5
  done
  if ! DOCKER_HOST="$host" docker version >/dev/null 2>&1; then
    echo "engine.sh: warning: podman did not answer on $host (see $ENGINE_DIR/podman.log), so the engine tests will skip" >&2
    engine_stop
    unset CONTAINERS_CONF
    return 0
  fi
  export DOCKER_HOST="$host"
  export DEPLOYOTRON_TEST_ENGINE=1
  ENGINE_BUILDS_BEFORE="$(engine_build_containers)"
}

# Working containers of builds (`podman ps --external` shows them as "Storage"). podman leaves one
# behind for each build whose client went away (a cancelled build), so the tests leave some.
engine_build_containers() {
  podman ps -a --external --no-trunc --format '{{.ID}} {{.Status}}' 2>/dev/null | awk '$2 == "Storage" { print $1 }' | sort
}

engine_stop() {
  if [ -n "${ENGINE_PID:-}" ]; then
    # The build containers this run left (none that were there before it).
    local id
    for id in $(comm -13 <(printf '%s\n' "${ENGINE_BUILDS_BEFORE:-}") <(engine_build_containers)); do
      podman rm --force "$id" >/dev/null 2>&1 || true
    done
    kill "$ENGINE_PID" 2>/dev/null || true
    wait "$ENGINE_PID" 2>/dev/null || true
    ENGINE_PID=""
  fi
  # The socket and the log only; images stay in podman's store for the next run.
  if [ -n "${ENGINE_DIR:-}" ]; then
    rm -rf "$ENGINE_DIR"
    ENGINE_DIR=""
  fi
  return 0
}
