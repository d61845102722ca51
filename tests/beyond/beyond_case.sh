#!/usr/bin/env bash
# Beyond one machine, end to end against real servers:
#
#   beyond_case.sh CASE FIXTURE TSD POINT_STORE SYNC
#
# Every case runs in a fresh TMPDIR and then checks that no process started
# from it (nats-server) is alive and that nothing is left in it. Runs
# against "an existing deployment" go through deploy_fixture, which spawns
# it, puts streams and a consumer of its own on it, and fails (99) when the
# run left anything behind or touched what it found.
#
# Known server behaviour is accepted only as the exact line that names it,
# with everything else verified:
#   - point-store on R3: nats-server < 2.9.21 loses compare-and-set updates
#     (nats-io/nats-server#4319); the run reports it and exits 1;
#   - tsd failover: the killed leader, restarted, may leave the stream not
#     whole (its replica stays behind); the run reports it and exits 1.
set -uo pipefail

case_name=$1
fixture=$2
tsd=$3
point_store=$4
sync=$5
source "$(dirname "$0")/../case_lib.sh"
case_begin beyond-test
res="$work/results"

run() { # args...: sets $code
  "$@" >"$out" 2>"$err"
  code=$?
}

expect_code() {
  [[ $code -eq $1 ]] || fail "exit $code, expected $1"
}

# rows FILTER: prints "op|case|replicas|verified|note" for every CSV row.
rows() {
  python3 - "$1" <<'EOF'
import csv, sys
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        print("|".join([r["op"], r["case"], r["replicas"], r["verified"], r["note"]]))
EOF
}

# has_row CSV REGEX: some row matches. grep reads every row (no -q): with
# pipefail, a reader quitting early would fail the pipeline on the writer's
# broken pipe.
has_row() {
  rows "$1" | grep -- "$2" >/dev/null
}

# All rows verified except those matching the regex in $1 (may be empty).
all_verified_except() {
  local csv=$1/$2.csv
  [[ -f $csv ]] || { fail "no CSV at $csv"; return; }
  local bad
  # "count" is the level of the rows that check counts only (setup writes,
  # the footprint): verified, at that level.
  bad=$(rows "$csv" | awk -F'|' -v allow="$3" '$4 != "yes" && $4 != "count" && (allow == "" || $0 !~ allow)')
  [[ -z $bad ]] || fail "rows not verified: $bad"
}

has_rows_with_replicas() { # csv replicas...
  local csv=$1
  shift
  for r in "$@"; do
    rows "$csv" | awk -F'|' -v r="$r" '$3 == r && $1 != "" { found = 1 } END { exit !found }' ||
      fail "no rows with replicas=$r in $csv"
  done
}

# The run failed only because of the named server behaviour, or passed.
known_or_pass() { # pattern
  if [[ $code -eq 1 ]]; then
    [[ $(wc -l <"$err") -eq 1 ]] || fail "exit 1 with more than one line on stderr"
    grep -qE -- "$1" "$err" || fail "exit 1 for another reason than the known one"
  else
    expect_code 0
  fi
}

cas_known='compare-and-set: the counter gained [0-9]+, the model expects [0-9]+ .*nats-io/nats-server#4319'
rejoin_known='failover: tsd-[123] \(the killed stream leader.*\) was restarted on its store dir, but [0-9]+ s later stream NODES is not whole again'

case $case_name in
tsd-cluster)
  run "$tsd" --quick --cluster 3 --failover-count 0 --crash-rounds 0 --results "$res"
  expect_code 0
  expect_out 'R3 against R1 (the same cases in this run'
  expect_out 'js_Publish (one round trip per point): R3 at'
  all_verified_except "$res" tsd ''
  has_rows_with_replicas "$res/tsd.csv" 1 3
  has_row "$res/tsd.csv" '^js_publish_sync|.*|3|yes|.*R3/R1 rate' ||
    fail "the R3 js_publish_sync row carries no R3/R1 ratio"
  ;;
ps-cluster)
  run "$point_store" --quick --cluster 3 --results "$res"
  known_or_pass "$cas_known"
  expect_out '=== Pass 1 of 2: R1 stream and bucket'
  expect_out '=== Pass 2 of 2: R3 stream and bucket'
  expect_out 'R3 against R1 (JetStream rows of both passes'
  expect_out 'bytes/point on disk, all copies: R1'
  all_verified_except "$res" point-store '^cas_update\|cas expect_last_subject_seq\|3\|'
  has_rows_with_replicas "$res/point-store.csv" 1 3
  has_row "$res/point-store.csv" '^state_direct_get|history=10|3|yes|.*R3/R1 rate' ||
    fail "the R3 direct get row carries no R3/R1 ratio"
  ;;
tsd-failover)
  run "$tsd" --quick --cluster 3 --replicas 3 --no-sqlite --crash-rounds 0 --results "$res"
  known_or_pass "$rejoin_known"
  expect_out 'Failover (R3, js_PublishMsgAsync window 1024'
  expect_out 'longest ack gap'
  expect_out 'every acknowledged point present and intact (0 lost)'
  if [[ $code -eq 0 ]]; then
    all_verified_except "$res" tsd ''
  else
    all_verified_except "$res" tsd '^failover_rejoin\|'
  fi
  has_row "$res/tsd.csv" '^failover_publish|R3 leader SIGKILLed at 1/3, w=1024|3|yes|' ||
    fail "no verified failover_publish row"
  has_row "$res/tsd.csv" '^failover_rejoin|killed leader restarted on its store dir|3|' ||
    fail "no failover_rejoin row"
  ;;
tsd-failover-fault)
  run "$tsd" --quick --cluster 3 --replicas 3 --no-sqlite --crash-rounds 0 \
    --inject-fault failover --results "$res"
  expect_code 1
  [[ $(wc -l <"$err") -eq 1 ]] || fail "stderr is not one line"
  expect_err 'acknowledged points are missing from NODES after its leader'
  has_row "$res/tsd.csv" '^failover_publish|.*|3|no|' ||
    fail "the failover_publish row is not verified=no"
  ;;
tsd-url)
  run "$fixture" cluster -- "$tsd" --quick --url @URLS@ --crash-rounds 0 --results "$res"
  expect_code 0
  expect_out 'deploy_fixture: cluster unchanged'
  expect_out 'R3 against R1 (the same cases in this run'
  expect_out 'Failover: not measured (it kills a server'
  all_verified_except "$res" tsd ''
  has_rows_with_replicas "$res/tsd.csv" 1 3
  ;;
tsd-url-fault)
  # A run that fails half way must leave the deployment as it found it too.
  run "$fixture" cluster -- "$tsd" --quick --url @URLS@ --crash-rounds 0 --no-csv \
    --inject-fault range
  expect_code 1
  expect_out 'deploy_fixture: cluster unchanged'
  expect_err 'tsd: '
  ;;
tsd-url-single)
  run "$fixture" single -- "$tsd" --quick --url @URLS@ --crash-rounds 0 --no-csv
  expect_code 0
  expect_out 'deploy_fixture: single unchanged'
  expect_out 'R3 not measured: the deployment refused an R3 stream'
  ;;
ps-url)
  run "$fixture" cluster -- "$point_store" --quick --url @URLS@ --results "$res"
  if [[ $code -eq 99 ]]; then
    fail "the deployment was changed"
  else
    known_or_pass "$cas_known"
  fi
  expect_out 'deploy_fixture: cluster unchanged'
  expect_out '=== Pass 2 of 2: R3 stream and bucket'
  all_verified_except "$res" point-store '^(cas_update\|cas expect_last_subject_seq\|3\||disk_footprint\|footprint\|[13]\|no\|not measured: the server is not ours)'
  ;;
sync-hubleaf)
  run "$fixture" hubleaf -- "$sync" --quick --hub-url @HUB@ --leaf-url @LEAF@ \
    --hub-domain cloud --leaf-domain edge --results "$res"
  expect_code 0
  expect_out 'deploy_fixture: hubleaf unchanged'
  expect_out 'skipped'
  all_verified_except "$res" bi-directional-sync ''
  ;;
sync-hubleaf-wide)
  # The leaf already has a stream on all of n.>: the run's points would land
  # in it, so the run refuses before publishing anything.
  run "$fixture" hubleaf-wide -- "$sync" --quick --hub-url @HUB@ --leaf-url @LEAF@ --no-csv
  expect_code 1
  expect_out 'deploy_fixture: hubleaf-wide unchanged'
  [[ $(wc -l <"$err") -eq 1 ]] || fail "stderr is not one line"
  expect_err "the leaf has stream WIDE on 'n.>', which would also store this run's points"
  ;;
*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac

case_end keep
