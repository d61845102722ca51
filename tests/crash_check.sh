#!/usr/bin/env bash
# The crash durability checks, end to end against real spawned servers:
#
#   crash_check.sh CSV_WHOLE BINARY CASE
#
#   tsd-rounds          tsd writes one verified crash_recovery row per store, nothing lost
#   tsd-fault           --inject-fault crash: the JetStream check must fail (exit 1)
#   tsd-fault-sqlite    --inject-fault crash-sqlite: the SQLite check must fail (exit 1)
#   sync-fault          --inject-fault crash-copy: the leaf-crash copy check must fail
#
# A failing check must print one line saying what was lost and still write its row with
# verified=no. Every case runs in a TMPDIR of its own and must leave nothing behind.
set -uo pipefail

csv_whole=$1
bin=$2
case_name=$3
source "$(dirname "$0")/case_lib.sh"
case_begin crash-test
results="$work/results"

run() { # expected_exit args...
  local want=$1
  shift
  timeout -k 5 120 "$bin" --results "$results" "$@" >"$out" 2>"$err"
  local got=$?
  [[ $got -eq $want ]] || fail "exit $got, expected $want (args: $*)"
}

csv_row() { # op-and-store pattern: prints matching rows
  grep -E -- "$1" "$results"/*.csv 2>/dev/null
}


case $case_name in
tsd-rounds)
  run 0 --quick --crash-rounds 4
  grep -q 'Crash durability (SIGKILL at a random moment' "$out" || fail "no crash table"
  for store in jetstream sqlite; do
    row=$(csv_row ",crash_recovery,$store,")
    [[ $(wc -l <<<"$row") -eq 1 && -n $row ]] || fail "not one crash_recovery row for $store"
    [[ $row == *',yes,"4 rounds, SIGKILL at a random moment after >= 1000 '* ]] ||
      fail "$store row not verified: $row"
    [[ $row == *', lost 0;'* ]] || fail "$store row does not say lost 0: $row"
    count=$(cut -d, -f6 <<<"${row#*\",}")
    [[ $count -ge 4000 ]] || fail "$store row checked $count points, fewer than 4 x 1000"
  done
  ;;
tsd-fault)
  run 1 --quick --crash-rounds 2 --inject-fault crash
  expect_one_err_line
  grep -q 'tsd: crash round 1 of 2: JetStream lost 1 of ' "$err" || fail "no loss reported"
  csv_row ",crash_recovery,jetstream,.*,no,\"" >/dev/null || fail "no unverified jetstream row"
  ;;
tsd-fault-sqlite)
  run 1 --quick --crash-rounds 2 --inject-fault crash-sqlite
  expect_one_err_line
  grep -q 'tsd: crash round 1 of 2: SQLite lost 1 of ' "$err" || fail "no loss reported"
  csv_row ",crash_recovery,sqlite,.*,no,\"" >/dev/null || fail "no unverified sqlite row"
  csv_row ",crash_recovery,jetstream,.*,yes,\"" >/dev/null || fail "no verified jetstream row"
  ;;
sync-fault)
  run 1 --quick --streams 2 --idle-seconds 1 --inject-fault crash-copy
  expect_one_err_line
  grep -q "leaf crash: the leaf's copy of CRASH-HUB after the restart: 1 missing, 0 twice" "$err" ||
    fail "no missing point reported"
  csv_row ",crash_recovery,jetstream,.*,no,\"" >/dev/null || fail "no unverified row"
  ;;
*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac

for csv in "$results"/*.csv; do
  [[ -f $csv ]] && { "$csv_whole" "$csv" >/dev/null || fail "$(basename "$csv") is torn"; }
done
sleep 0.2
if pgrep -f -- "$results" >/dev/null; then
  fail "left running: $(pgrep -af -- "$results")"
fi
case_end
