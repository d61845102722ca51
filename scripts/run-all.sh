#!/usr/bin/env bash
# The run command: install what is missing, build, run point-store, tsd and
# bi-directional-sync with their defaults, then write results/summary.md and
# the plots.
#
#   scripts/run-all.sh [--quick] [--results DIR] [--build DIR]
#
# --quick runs each experiment's small case (as the tests do). --build uses
# an already configured build dir as it is (no install, no setup: how the
# tests call it). Every row of one invocation shares a run id, so summarize
# reads exactly this run.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=()
results=results
build=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=(--quick) ;;
    --results)
      [[ $# -ge 2 && -n "$2" ]] || { echo "run-all: --results needs a directory" >&2; exit 2; }
      results=$2
      shift
      ;;
    --build)
      [[ $# -ge 2 && -d "$2" ]] || { echo "run-all: --build needs an existing build dir" >&2; exit 2; }
      build=$2
      shift
      ;;
    -h | --help)
      sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) echo "run-all: unknown option '$1' (see scripts/run-all.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

if [[ -z "$build" ]]; then
  build=build
  scripts/install-deps.sh
  if [[ -f build/build.ninja ]]; then
    meson setup --reconfigure build >/dev/null
  else
    meson setup build >/dev/null
  fi
  ninja -C build >/dev/null
fi

run_id=$(date -u +%Y%m%dT%H%M%SZ)-all
export NATSEXP_RUN_ID=$run_id
status=0
failed=()
for exp in point-store tsd bi-directional-sync; do
  bin=$build/$exp/$exp
  if [[ ! -x "$bin" ]]; then
    echo "run-all: $bin was not built" >&2
    status=1
    continue
  fi
  echo
  echo "=== $exp ${quick[*]} ==="
  start=$(date +%s)
  # tsd's power cuts are off by default (they add minutes): 50 per setting
  # in the full run, 3 in --quick.
  own=()
  [[ $exp == tsd ]] && own=(--power-cuts "$([[ ${#quick[@]} -gt 0 ]] && echo 3 || echo 50)")
  if "$bin" "${quick[@]}" "${own[@]}" --results "$results"; then
    echo "=== $exp: done in $(($(date +%s) - start)) s ==="
  else
    rc=$?
    echo "=== $exp: FAILED (exit $rc) after $(($(date +%s) - start)) s ===" >&2
    failed+=("$exp")
    status=1
  fi
done

echo
failed_list=$(IFS=,; echo "${failed[*]}")
scripts/summarize --results "$results" --run-id "$run_id" --failed "$failed_list" || status=1
scripts/plot --results "$results" --run-id "$run_id" || status=1
echo "run-all: results in $results/ (run id $run_id)"
exit $status
