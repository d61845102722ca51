#!/usr/bin/env bash
# Installs the Debian packages natsexp needs, only when one is missing.
# Idempotent: a machine that has them all is left alone (no apt-get update).
#   install-deps.sh         what building, testing and running need
#   install-deps.sh --ci    also the CI-only tools (clang for libFuzzer, valgrind)
#   install-deps.sh --servers
#                           then fetch the newer nats-server releases
#                           (scripts/servers.sh); if the archive cannot be
#                           reached, one line says so and the suite runs on
#                           the servers it has
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  gcc pkg-config meson ninja-build
  libnats-dev nats-server libcjson-dev libcurl4-openssl-dev libsqlite3-dev
  libcmocka-dev gnuplot-nox python3 debian-archive-keyring fuse3 libfuse3-dev
)
servers=0
for arg in "$@"; do
  case "$arg" in
    --ci) packages+=(clang libclang-rt-14-dev valgrind) ;;
    --servers) servers=1 ;;
    *)
      echo "usage: install-deps.sh [--ci] [--servers]" >&2
      exit 2
      ;;
  esac
done

fetch_servers() {
  ((servers)) || return 0
  scripts/servers.sh >/dev/null ||
    echo "install-deps: newer nats-server releases not fetched; running on the servers at hand" >&2
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  fetch_servers
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
fetch_servers
