#!/usr/bin/env bash
# Installs the Debian packages natsexp needs, only when one is missing.
# Idempotent: a machine that has them all is left alone (no apt-get update).
#   install-deps.sh         what building, testing and running need
#   install-deps.sh --ci    also the CI-only tools (clang for libFuzzer, valgrind)
set -euo pipefail

packages=(
  gcc pkg-config meson ninja-build
  libnats-dev nats-server libcjson-dev libcurl4-openssl-dev libsqlite3-dev
  libcmocka-dev gnuplot-nox python3 fuse3 libfuse3-dev
)
if [[ "${1:-}" == "--ci" ]]; then
  packages+=(clang libclang-rt-14-dev valgrind)
elif [[ $# -gt 0 ]]; then
  echo "usage: install-deps.sh [--ci]" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

cmd="apt-get update && apt-get install -y ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root: sudo sh -c '$cmd'" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
