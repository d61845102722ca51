#!/usr/bin/env bash
# Integration cases for point-store against a real spawned nats-server:
#
#   run_case.sh BINARY CASE
#
# Every case runs the binary in a fresh TMPDIR and then checks that no
# nats-server started from that dir is still alive and that the dir is empty
# (servers' and SQLite's temp dirs removed). Exits non-zero naming what
# differed.
set -uo pipefail

bin=$1
case_name=$2
source "$(dirname "$0")/../../tests/case_lib.sh"
case_begin ps-test

run() { # expected_exit args...
  local want=$1
  shift
  "$bin" "$@" >"$out" 2>"$err"
  local got=$?
  [[ $got -eq $want ]] || fail "exit $got, expected $want (args: $*)"
}

run_any() { # args...; the exit status in $got
  "$bin" "$@" >"$out" 2>"$err"
  got=$?
}

# A small workload for the fault cases: the check under test is reached fast.
small=(--nodes 3 --props 2 --history 1,3 --reads 5 --cas-count 10 --no-csv)

# CASE@SERIES: the case on the nats-server SERIES (2.9, 2.10, 2.15) that
# scripts/servers.sh has cached; skipped (77) when it has none.
if [[ $case_name == *@* ]]; then
  series=${case_name#*@}
  server=$("$(dirname "$0")/../../scripts/servers.sh" --list 2>/dev/null |
    awk -v s="$series" 'index($1, s ".") == 1 { print $2; exit }')
  if [[ -z $server || ! -x $server ]]; then
    echo "skipped: no nats-server $series (fetch it with scripts/servers.sh)"
    exit 77
  fi
  export NATS_SERVER=$server
  case_name=${case_name%@*}
fi

case $case_name in
quick)
  res="$work/results"
  run 0 --quick --results "$res"
  # Multi get and per-message TTL arrived together (2.11): t=1 from there.
  version=$(sed -n 's/^point-store: nats-server \([0-9.]*\) .*/\1/p' "$out" | head -1)
  t=0
  [[ $(printf '%s\n' 2.11.0 "$version" | sort -V | head -1) == 2.11.0 ]] && t=1
  expect_out 'Seed: state of node 123 (stream info + get-last per subject), 4 props'
  for line in 'description  "Injector temperature"' 'type         "temp"' \
    'value        "15"' 'location     "building A"'; do
    expect_out "$line"
  done
  grep -q 'Exhaust\|Internal\|"563"\|"423"' "$out" && fail "node 123's state shows another node"
  # Read tables (2), growth, x ping, x SQLite, tombstones (and TTL, counted
  # in t below); SQLite is not in the two ratio tables.
  for label in 'info + get-last' 'direct get' 'last-per-subject' 'kv get' 'direct pipelined' \
    'kv pipelined'; do
    [[ $(grep -c "^  $label " "$out") -eq $((6 + t)) ]] || fail "'$label' is not in every table"
  done
  for label in 'sqlite seek' 'sqlite group-by'; do
    [[ $(grep -c "^  $label " "$out") -eq $((4 + t)) ]] || fail "'$label' is not in every table"
  done
  expect_out 'Latency as history grows: p50 at history 10 over p50 at history 1'
  expect_out 'deleted props absent, 30 others intact'
  expect_out 'Footprint: 410 points'
  expect_out 'expect last subject seq        100'
  expect_out 'All checks passed.'
  csv="$res/point-store.csv"
  [[ -f $csv ]] || fail "no CSV at $csv"
  [[ $(head -1 "$csv") == run_id,utc,experiment,case,op,store,* ]] || fail "CSV header"
  # Multi get exists from 2.11 (common/nx_version.h); older servers print
  # one line per multi method instead of rows.
  if [[ $t -eq 1 ]]; then
    multi_rows=(state_direct_multi/jetstream=4 state_kv_multi/jetstream=4)
    ttl_rows=(sqlite_ttl_delete/sqlite=1)
    expect_out 'Per-message TTL: prop ttl on 10 node(s), Nats-TTL 1..3 s, read by every method'
    expect_out 'sqlite expiry delete'
    [[ $(grep -c ',ttl expiring,' "$csv") -eq 11 ]] || fail "not 11 rows of the TTL phase"
    for label in 'direct multi' 'kv multi'; do
      [[ $(grep -c "^  $label " "$out") -eq 7 ]] || fail "'$label' is not in every table"
    done
  else
    multi_rows=()
    ttl_rows=()
    expect_out 'Per-message TTL: not measured: per-message TTL needs nats-server >= 2.11'
    grep -q ',ttl expiring,' "$csv" && fail "TTL rows from a server without TTL"
    expect_out 'direct multi           not measured: multi-subject direct get needs nats-server >= 2.11'
    grep -q ',state_direct_multi,' "$csv" && fail "a multi get row from a server without it"
  fi
  expect_out 'Node state against one round trip: p50 / ping p50'
  expect_out 'JetStream / SQLite (seek query), p50 over p50'
  grep -q '^Target: best method .*: at most .*x a ping over every depth (target <= 2.0x: one run); history 10 / 1: .* (target <= 1.2: one run)$' "$out" ||
    fail "no target line (one repeat: no verdict)"
  expect_out "one run: no range, so no verdict"
  # op,store per row; every row verified but the pings (nothing stored)
  rows=$(awk -F, 'NR > 1 { print $5 "/" $6 }' "$csv" | sort | uniq -c | awk '{ print $2 "=" $1 }' |
    tr '\n' ' ')
  # Per method: 2 depths and the tombstones, plus the TTL phase from 2.11.
  for want in state_info_getlast/jetstream=$((4 + t)) state_direct_get/jetstream=$((3 + t)) \
    state_last_per_subject/jetstream=$((3 + t)) state_kv/jetstream=$((3 + t)) \
    state_sqlite/sqlite=$((6 + 2 * t)) js_publish_async/jetstream=4 sqlite_insert/sqlite=2 \
    disk_footprint/jetstream=1 disk_footprint/sqlite=1 cas_update/jetstream=1 \
    update_no_cas/jetstream=1 state_direct_pipelined/jetstream=$((3 + t)) \
    state_kv_pipelined/jetstream=$((3 + t)) ping_rtt/jetstream=2 "${multi_rows[@]}" \
    "${ttl_rows[@]}"; do
    [[ " $rows" == *" $want "* ]] || fail "CSV rows per op: want $want, have: $rows"
  done
  # Content checked everywhere but the setup writes and the footprint, which
  # check counts only (their points are checked by the reads), and the pings
  # (every PONG came back; nothing stored).
  levels=$(python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    what = "setup" if r["case"].startswith("setup ") else r["op"]
    print(what, r["verified"])' "$csv" | sort | uniq -c | awk '{ print $2 "=" $3 }' | tr '\n' ' ')
  for l in $levels; do
    case $l in
      setup=count | disk_footprint=count | ping_rtt=count | *=yes) ;;
      *) fail "rows at the wrong verified level: $l (all: $levels)" ;;
    esac
  done
  [[ " $levels" == *" disk_footprint=count "* ]] || fail "the footprint rows are not count: $levels"
  grep -q ',history=10,state_direct_get,jetstream,file,1,16,50,' "$csv" ||
    fail "no direct get row for history=10 with 50 reads"
  grep -q 'p50 ratio history=10/history=1' "$csv" || fail "no ratio in the deepest rows' note"
  grep -q 'seed node=123,state_info_getlast' "$csv" || fail "no seed row"
  ;;
other-node)
  run 0 "${small[@]}" --node 456 --quiet
  [[ -s $out ]] && fail "--quiet printed to stdout"
  run 0 "${small[@]}" --node 456 --history 2
  expect_out 'Seed: state of node 456 (stream info + get-last per subject), 2 props'
  expect_out '"Exhaust temperature"'
  expect_out '"563"'
  grep -q 'Injector' "$out" && fail "node 456's state shows node 123's points"
  ;;
cas-r3)
  # Two CAS writers on an R3 stream of a spawned cluster: safe from 2.9.21
  # (nats-server#4319); an older release may lose updates, and then exit 1
  # names the bug.
  # A freshly spawned cluster whose meta leader is agreed on can still call a
  # peer offline for a moment on a loaded machine (JetStream error 10005
  # creating the first R3 stream): that is the cluster's start, not CAS, so
  # it gets a second try.
  for _ in 1 2; do
    run_any --cluster 3 --replicas 3 --nodes 2 --props 2 --history 1 --reads 5 \
      --cas-count 300 --no-csv
    grep -q 'no suitable peers for placement' "$err" || break
  done
  version=$(sed -n 's/^point-store: nats-server \([0-9.]*\) .*/\1/p' "$out" | head -1)
  if [[ $(printf '%s\n' 2.9.21 "$version" | sort -V | head -1) == 2.9.21 ]]; then
    [[ $got -eq 0 ]] || fail "exit $got on $version, where CAS on R3 is safe: $(cat "$err")"
    expect_out "compare-and-set on R3 with nats-server $version: safe, 0 of 600 increments lost"
  elif [[ $got -eq 1 ]]; then
    expect_one_err_line
    expect_err 'nats-io/nats-server#4319, fixed in 2.9.21'
    expect_out "compare-and-set on R3 with nats-server $version: NOT safe"
  else
    [[ $got -eq 0 ]] || fail "exit $got: $(cat "$err")"
  fi
  ;;
fault-seed)
  run 1 "${small[@]}" --inject-fault seed
  expect_one_err_line
  expect_err 'point-store: seed: node 123 read by stream info + get-last differs from the model: prop value: the model has "16"'
  expect_err 'the store has "15"'
  ;;
fault-tombstone)
  run 1 "${small[@]}" --inject-fault tombstone
  expect_one_err_line
  expect_err 'point-store: tombstone: state_info_getlast (info + get-last) of node d0 differs from the model: prop p0: the model has'
  expect_err 'the store has nothing'
  ;;
fault-cas)
  run 1 "${small[@]}" --inject-fault cas
  expect_one_err_line
  expect_err 'point-store: compare-and-set: the counter gained 20, the model expects 21 (2 writers x 10 increments)'
  ;;
url)
  # A server this script owns stands in for an existing deployment: the run
  # must leave no stream, KV bucket or consumer on it, on success or failure.
  server=${NATS_SERVER:-$(command -v nats-server)}
  mkdir -p "$work/ports"
  "$server" -js -sd "$work/js" -a 127.0.0.1 -p -1 -m -1 --ports_file_dir "$work/ports" \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null' EXIT
  for _ in $(seq 100); do
    ports=$(cat "$work/ports/"*.ports 2>/dev/null) && [[ $ports == *monitoring* ]] && break
    sleep 0.05
  done
  url=$(grep -o 'nats://[0-9.]*:[0-9]*' <<<"$ports" | head -1)
  mon=$(grep -o 'http://[0-9.]*:[0-9]*' <<<"$ports" | head -1)
  [[ -n $url && -n $mon ]] || fail "the test server did not start: $(cat "$work/server.log")"
  run 0 "${small[@]}" --url "$url"
  expect_out "on $url"
  expect_out 'not measured: the server is not ours (--url)'
  run 1 "${small[@]}" --url "$url" --inject-fault tombstone
  expect_err 'point-store: tombstone:'
  jsz=$(curl -s "$mon/jsz")
  for zero in '"streams": 0' '"consumers": 0' '"messages": 0'; do
    [[ $jsz == *"$zero"* ]] || fail "the deployment keeps what the runs created: $jsz"
  done
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null
  ;;
usage)
  run 2 --node 'a.b'
  expect_one_err_line
  expect_err "--node: invalid node token 'a.b'"
  run 2 --history 10,1
  expect_err 'must increase'
  run 2 --count 5
  expect_err "unknown option '--count'"
  run 2 --inject-fault everything
  expect_err 'allowed: seed, tombstone, cas'
  run 2 --replicas 3
  expect_err 'needs a cluster'
  run 0 --help
  for opt in --nodes --props --history --reads --cas-count --node --inject-fault --storage \
    --replicas --cluster --url --quick --quiet; do
    expect_out "  $opt "
  done
  ;;
*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac

case_end
