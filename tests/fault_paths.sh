#!/usr/bin/env bash
# Fault paths of one experiment binary, against real spawned servers:
#
#   fault_paths.sh CSV_WHOLE BINARY EVENT DELAY [ARGS...]
#
# Runs BINARY --results DIR ARGS in a TMPDIR of its own and, DELAY seconds after its
# first nats-server is up, does EVENT:
#
#   kill-server  SIGKILL the run's nats-server from outside (tsd, point-store)
#   kill-hub     SIGKILL the hub (bi-directional-sync)
#   kill-leaf    SIGKILL the leaf, waiting for it to be up (bi-directional-sync)
#   sigint       SIGINT to the binary, as Ctrl-C would
#
# Then the binary must end within 30 s: after a kill with exit 1 and exactly one line on
# stderr saying which server died; after SIGINT by the signal (status 130) saying it was
# interrupted. Either way no nats-server, helper process or temp dir may be left, and the
# CSV (if any) must hold the header and whole rows only.
set -uo pipefail

csv_whole=$1
bin=$2
event=$3
delay=$4
shift 4

work=$(mktemp -d "${TMPDIR:-/tmp}/fault-XXXXXX")
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
results="$work/results"
status=0

fail() {
  echo "FAIL ($event): $*" >&2
  echo "--- stderr" >&2
  cat "$work/err" >&2
  echo "--- stdout (tail)" >&2
  tail -5 "$work/out" >&2
  status=1
}

# The pid of a running server whose config names it (any server when name is empty).
server_pid() {
  local want=$1 conf pid
  for conf in "$TMPDIR"/natsexp-*/server.conf; do
    [[ -f $conf ]] || continue
    if [[ -n $want ]] && ! grep -q "server_name: \"$want\"" "$conf"; then
      continue
    fi
    pid=$(pgrep -f -- "$conf" | head -1)
    if [[ -n $pid ]]; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# Waits up to limit seconds for a server; prints its pid.
wait_server() {
  local want=$1 limit=$2 pid
  for _ in $(seq $((limit * 50))); do
    if pid=$(server_pid "$want"); then
      echo "$pid"
      return 0
    fi
    kill -0 "$run_pid" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

# Job control: the background run gets the default SIGINT disposition (a
# non-interactive shell would start it with SIGINT ignored).
set -m
"$bin" --results "$results" "$@" >"$work/out" 2>"$work/err" &
run_pid=$!
set +m
# If this script is stopped (a test timeout), the run goes with it.
trap 'kill -KILL "$run_pid" 2>/dev/null' EXIT

if ! first=$(wait_server "" 30); then
  fail "no nats-server came up"
fi
sleep "$delay"
if ! kill -0 "$run_pid" 2>/dev/null; then
  fail "the run ended before the event (delay $delay s too long)"
fi

case $event in
kill-server) victim=$(server_pid "") ;;
kill-hub) victim=$(server_pid hub) ;;
kill-leaf) victim=$(wait_server leaf 20) ;;
sigint) victim=$run_pid ;;
*)
  echo "unknown event $event" >&2
  exit 2
  ;;
esac
[[ -n ${victim:-} ]] || fail "no process to $event"
if [[ $event == sigint ]]; then
  kill -INT "$victim"
else
  kill -KILL "$victim"
fi

# Bounded wait for the run to end.
for _ in $(seq 300); do
  kill -0 "$run_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$run_pid" 2>/dev/null; then
  fail "still running 30 s after $event"
  kill -KILL "$run_pid"
fi
wait "$run_pid"
got=$?

if [[ $event == sigint ]]; then
  [[ $got -eq 130 ]] || fail "exit status $got, expected 130 (ended by SIGINT)"
  grep -q 'interrupted; stopping nats-server' "$work/err" || fail "stderr does not say interrupted"
else
  [[ $got -eq 1 ]] || fail "exit status $got, expected 1"
  [[ $(wc -l <"$work/err") -eq 1 ]] || fail "stderr is not exactly one line"
  grep -q "(pid $victim, nats://127.0.0.1:[0-9]*) died during the run (killed by signal 9" \
    "$work/err" || fail "stderr does not name the dead server (pid $victim)"
fi
if grep -qE 'Sanitizer|runtime error' "$work/err"; then
  fail "sanitizer report"
fi

# Nothing may outlive the run: servers (their config is under TMPDIR), the
# janitor or a forked helper (their command line names the results dir), dirs.
for _ in $(seq 50); do
  if ! pgrep -f -- "$TMPDIR/" >/dev/null && ! pgrep -f -- "$results" >/dev/null &&
    [[ -z $(ls -A "$TMPDIR") ]]; then
    break
  fi
  sleep 0.1
done
if pgrep -f -- "$TMPDIR/" >/dev/null || pgrep -f -- "$results" >/dev/null; then
  fail "left running: $(pgrep -af -- "$TMPDIR/") $(pgrep -af -- "$results")"
  for pid in $(pgrep -f -- "$TMPDIR/") $(pgrep -f -- "$results"); do kill -KILL "$pid"; done
fi
left=$(ls -A "$TMPDIR")
[[ -z $left ]] || fail "temp dirs left: $left"

for csv in "$results"/*.csv; do
  [[ -f $csv ]] || continue
  "$csv_whole" "$csv" >/dev/null || fail "$(basename "$csv") holds a torn row"
done

[[ $status -eq 0 ]] && echo "ok: $(basename "$bin") $event after ${delay} s: exit $got, nothing left"
rm -rf "$work"
exit $status
