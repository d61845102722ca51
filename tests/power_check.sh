#!/usr/bin/env bash
# tsd's power cuts end to end (real servers, the natsexp-powerfs mount):
#
#   power_check.sh CSV_WHOLE TSD CASE
#
#   rounds        --power-cuts 2 on the default server: one verified power_cut_recovery row
#                 per setting it takes (the refused ones named in one line each), SQLite FULL
#                 loses nothing committed
#   always        the same on a 2.10+ server (skipped without one): sync_interval always loses
#                 nothing acknowledged
#   no-fuse       the daemon missing: one line, no power rows, exit 0
#   sigkill       tsd SIGKILLed during the cuts: no mount, process or temp dir left
#   sigint        the same with Ctrl-C (status 130)
set -uo pipefail

csv_whole=$1
bin=$2
case_name=$3
source "$(dirname "$0")/case_lib.sh"
case_begin power-test
results="$work/results"
newer=/root/.cache/natsexp/servers/2.10.27/usr/sbin/nats-server

run() { # expected_exit args...
  local want=$1
  shift
  timeout -k 5 240 "$bin" --results "$results" --quick --crash-rounds 0 "$@" >"$out" 2>"$err"
  local got=$?
  [[ $got -eq $want ]] || fail "exit $got, expected $want (args: $*)"
}

power_row() { # store setting-in-case
  grep -E -- ",power_cut_recovery,$1," "$results"/tsd.csv 2>/dev/null | grep -F -- "$2" || true
}

mounted() { grep -qF -- "$work" /proc/self/mounts; }

check_row() { # store case-text [lost-0]
  local row
  row=$(power_row "$1" "$2")
  [[ $(wc -l <<<"$row") -eq 1 && -n $row ]] || { fail "not one row for $1 $2"; return; }
  [[ $row == *',yes,"2 power cuts (SIGKILL of the '* ]] || fail "$1 $2 row not verified: $row"
  [[ -z ${3:-} || $row == *', lost 0 (in 0 rounds'* ]] || fail "$1 $2 lost acked points: $row"
}

interrupt() { # signal expected-status
  # Not under timeout(1): the signal must reach tsd itself (meson's timeout bounds the case).
  # Job control, so the background run does not start with SIGINT ignored.
  set -m
  "$bin" --results "$results" --quick --crash-rounds 0 --power-cuts 50 >"$out" 2>"$err" &
  local pid=$! waited=0
  until mounted || ((waited >= 600)); do
    sleep 0.05
    waited=$((waited + 1))
  done
  mounted || fail "no mount appeared within 30 s"
  sleep 1
  kill -s "$1" $pid
  wait $pid
  local got=$?
  set +m
  [[ $got -eq $2 ]] || fail "exit $got after SIG$1, expected $2"
  for _ in $(seq 100); do mounted || break; sleep 0.1; done
  mounted && fail "a mount is left: $(grep -F -- "$work" /proc/self/mounts)"
}

if [[ ! -e /dev/fuse ]] || ! command -v fusermount3 >/dev/null; then
  echo "skipped: no /dev/fuse or fusermount3"
  rm -rf "$work"
  exit 77
fi

case $case_name in
rounds)
  run 0 --power-cuts 2
  expect_out 'Power loss (SIGKILL of the writer + every unsynced byte dropped'
  check_row jetstream 'sync_interval default'
  check_row sqlite 'WAL NORMAL'
  check_row sqlite 'WAL FULL' lost-0
  version=$("$(command -v nats-server)" --version 2>/dev/null || true)
  if [[ $version == *v2.9.* ]]; then
    expect_err 'sync_interval 1s: not measured: sync_interval needs nats-server >= 2.10'
    [[ -z $(power_row jetstream 'sync_interval 1s') ]] || fail "a 1s row on 2.9"
  fi
  ;;
always)
  if [[ ! -x $newer ]]; then
    echo "skipped: no $newer (scripts/servers.sh fetches it)"
    rm -rf "$work"
    exit 77
  fi
  run 0 --power-cuts 2 --no-sqlite --nats-server "$newer"
  check_row jetstream 'sync_interval 1s'
  check_row jetstream 'sync_interval always' lost-0
  ;;
no-fuse)
  NATSEXP_POWERFS=/nonexistent/natsexp-powerfs run 0 --power-cuts 2
  expect_err 'tsd: power cuts skipped: natsexp-powerfs not built'
  [[ -z $(grep -s power_cut_recovery "$results"/tsd.csv) ]] || fail "power rows without FUSE"
  ;;
sigkill) interrupt KILL 137 ;;
sigint) interrupt INT 130 ;;
*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac

mounted && fail "a mount is left: $(grep -F -- "$work" /proc/self/mounts)"
for csv in "$results"/*.csv; do
  [[ -f $csv ]] && { "$csv_whole" "$csv" >/dev/null || fail "$(basename "$csv") is torn"; }
done
case_end
