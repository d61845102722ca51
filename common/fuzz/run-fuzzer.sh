#!/usr/bin/env bash
# Runs a libFuzzer target for SECONDS from the committed corpus without
# writing into it: new inputs and crash artifacts go to a temp dir, and a
# crash input is copied next to the build for inspection.
#   run-fuzzer.sh FUZZER SECONDS CORPUS_DIR
set -uo pipefail
fuzzer=$1 seconds=$2 corpus=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
# libFuzzer exits 77 on a finding by default, which meson reads as "skipped".
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" "$corpus"
status=$?
for crash in "$work"/crash-* "$work"/timeout-* "$work"/leak-*; do
  [[ -e "$crash" ]] || continue
  cp "$crash" "$(dirname "$fuzzer")/"
  echo "finding saved as $(dirname "$fuzzer")/$(basename "$crash")" >&2
done
exit $status
