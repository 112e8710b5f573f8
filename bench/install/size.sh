#!/usr/bin/env bash
# What scripts/install.sh gives a user, beside what a plain build gives: each binary's size and how
# long `deployotron --version` takes to start, measured in one run (one hyperfine call, so the
# machine's load is shared alike).
#   installed: PREFIX/bin/deployotron (release, static Swift runtime and Foundation, stripped)
#   release:   .build-release/release/deployotron (the same build before strip)
#   debug:     .build/debug/deployotron (debug, the toolchain's shared libraries), when it exists
#
# Measured 2026-12-03 on the shared 2-core machine (other builds and benches running), commit
# cf4d367, RUNS=30, hyperfine -N --warmup 3:
#   binary               size       toolchain .so  --version start-up (mean ± σ, min)
#   installed            91.7 MiB   0              41.7 ms ± 12.6 ms, 17.4 ms
#   release-unstripped  196.7 MiB   0              50.7 ms ± 17.1 ms, 24.0 ms
#   debug               158.3 MiB   18             107.1 ms ± 50.2 ms, 64.5 ms
# Most of the installed size is the static Foundation's ICU data (_FoundationICU); strip halves the
# release build. The installed binary needs only Debian's libraries (libsqlite3, libedit, libcurl,
# libxml2, libstdc++, glibc).
#
# Usage: bench/install/size.sh [PREFIX]   (default: installs into a temporary prefix first)
# Needs hyperfine (apt-get install hyperfine).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
command -v hyperfine >/dev/null 2>&1 || { echo "size.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

prefix="${1:-}"
if [ -z "$prefix" ]; then
  prefix="$(mktemp -d -t deployotron-size.XXXXXX)"
  trap 'rm -rf "$prefix"' EXIT
  scripts/install.sh "$prefix" >&2
fi
installed="$prefix/bin/deployotron"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
release="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/deployotron"
debug=".build/debug/deployotron"
[ -x "$installed" ] || { echo "size.sh: nothing installed at $installed" >&2; exit 1; }
[ -x "$release" ] || { echo "size.sh: no release build at $release; run scripts/install.sh first" >&2; exit 1; }

binaries=("installed:$installed" "release-unstripped:$release")
[ -x "$debug" ] && binaries+=("debug:$debug")

printf '%-20s %12s %8s  %s\n' "binary" "bytes" "MiB" "shared libraries from the toolchain"
for entry in "${binaries[@]}"; do
  name="${entry%%:*}"; path="${entry#*:}"
  bytes="$(stat -c %s "$path")"
  toolchain="$(ldd "$path" | grep -c '/opt/swift' || true)"
  printf '%-20s %12s %8s  %s\n' "$name" "$bytes" "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')" "$toolchain"
done
echo

# The debug binary finds the toolchain's libraries through its RUNPATH; the others need none.
commands=()
for entry in "${binaries[@]}"; do
  commands+=(--command-name "${entry%%:*}" "${entry#*:} --version")
done
hyperfine -N --warmup 3 --runs "${RUNS:-30}" "${commands[@]}"
