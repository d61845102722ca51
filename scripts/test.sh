#!/usr/bin/env bash
# The test command: install what is missing, configure (or reconfigure) a
# build dir, compile, and run every test under `meson test`.
#
#   scripts/test.sh [BUILD_DIR] [-- MESON_SETUP_ARGS...]
#
# BUILD_DIR defaults to build. Extra meson setup arguments go after `--`
# (CI passes -Dwerror=true, and -Db_sanitize=address,undefined for the
# sanitizer build). Exits with meson test's status.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
if [[ $# -gt 0 && "$1" != "--" ]]; then
  build=$1
  shift
fi
[[ "${1:-}" == "--" ]] && shift

scripts/install-deps.sh --servers

if [[ -f "$build/build.ninja" ]]; then
  meson setup --reconfigure "$build" "$@" >/dev/null
else
  meson setup "$build" "$@" >/dev/null
fi
ninja -C "$build"
# Sanitizer findings must fail the test that hit them, not scroll past.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
meson test -C "$build" --print-errorlogs
