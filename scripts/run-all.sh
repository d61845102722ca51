#!/usr/bin/env bash
# The run command: install what is missing (with the newer nats-server
# releases), build, run point-store, tsd and bi-directional-sync on every
# nats-server version at hand, REPEATS times each in an order shuffled per
# repeat, then write results/summary.md (medians and ranges, the versions
# side by side) and the plots.
#
#   scripts/run-all.sh [--quick] [--servers LIST] [--repeats N] [--seed S]
#                      [--experiments LIST] [--run-id ID]
#                      [--results DIR] [--build DIR] [-- EXPERIMENT_ARGS...]
#
# --servers: comma-separated versions (as scripts/servers.sh --list names
# them) or binary paths; default: all of them. --repeats: default 3 (1 with
# --quick). --seed: the shuffle's seed (default: from the clock); it is in
# the header, the summary and every row's run id. --quick runs each
# experiment's small case (as the tests do). --build uses an already
# configured build dir as it is (no install, no setup: how the tests call
# it). --experiments picks which to run (default all three); --run-id ID
# adds this invocation's rows to an earlier one (its id and seed), so one
# summary covers both. Arguments after -- go to every experiment. Repeats
# after the first skip the round-counting sections (crash rounds, power
# cuts; see full_args and light_args, which also hold run-all's sizes).
# Every row of one invocation shares a run id prefix, so summarize reads
# exactly this run.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "run-all: $*" >&2; exit 2; }
quick=()
results=results
build=
servers=
repeats=
seed=
experiments=point-store,tsd,bi-directional-sync
append=
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=(--quick) ;;
    --results)
      [[ $# -ge 2 && -n "$2" ]] || die "--results needs a directory"
      results=$2
      shift
      ;;
    --build)
      [[ $# -ge 2 && -d "$2" ]] || die "--build needs an existing build dir"
      build=$2
      shift
      ;;
    --servers)
      [[ $# -ge 2 && -n "$2" ]] || die "--servers needs VERSION|PATH[,...]"
      servers=$2
      shift
      ;;
    --repeats)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]?$ ]] || die "--repeats needs a whole number 1-99"
      repeats=$2
      shift
      ;;
    --seed)
      [[ $# -ge 2 && "$2" =~ ^[0-9]{1,9}$ ]] || die "--seed needs a whole number 0-999999999"
      seed=$2
      shift
      ;;
    --experiments)
      [[ $# -ge 2 && "$2" =~ ^(point-store|tsd|bi-directional-sync)(,(point-store|tsd|bi-directional-sync))*$ ]] ||
        die "--experiments needs a comma-separated list of point-store, tsd, bi-directional-sync"
      experiments=$2
      shift
      ;;
    --run-id)
      [[ $# -ge 2 && "$2" =~ ^[0-9]{8}T[0-9]{6}Z-all-s[0-9]+$ ]] ||
        die "--run-id needs the id of an earlier run-all invocation (YYYYMMDDTHHMMSSZ-all-sSEED)"
      append=$2
      shift
      ;;
    --) shift; extra=("$@"); break ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
      ;;
    *) die "unknown option '$1' (see scripts/run-all.sh --help)" ;;
  esac
  shift
done
[[ -n "$repeats" ]] || repeats=$(( ${#quick[@]} ? 1 : 3 ))
[[ -n "$seed" ]] || seed=$(( $(date +%s) % 1000000 ))

if [[ -z "$build" ]]; then
  build=build
  scripts/install-deps.sh --servers
  if [[ -f build/build.ninja ]]; then
    meson setup --reconfigure build >/dev/null
  else
    meson setup build >/dev/null
  fi
  ninja -C build >/dev/null
fi

# The servers: "VERSION PATH" lines.
available=$(scripts/servers.sh --list)
chosen=()
if [[ -z "$servers" ]]; then
  mapfile -t chosen <<<"$available"
else
  IFS=, read -r -a wanted <<<"$servers"
  for w in "${wanted[@]}"; do
    if [[ "$w" == */* ]]; then
      line=$(scripts/servers.sh --list --only "$w") || exit 2
    else
      line=$(awk -v v="$w" '$1 == v' <<<"$available")
      [[ -n "$line" ]] || die "no nats-server $w here (have: $(awk '{print $1}' <<<"$available" | paste -sd, -); scripts/servers.sh fetches more)"
    fi
    chosen+=("$line")
  done
fi
[[ -n "${chosen[0]:-}" ]] || die "no nats-server found (scripts/install-deps.sh installs one)"

mkdir -p "$results" 2>/dev/null && [[ -w "$results" ]] || die "results dir '$results' is not writable"
store_fs=$(stat -f -c %T "${TMPDIR:-/tmp}" 2>/dev/null || echo unknown)
if [[ -n "$append" ]]; then
  # Adding experiments to an earlier invocation: its seed, its id.
  seed=${append##*-all-s}
  invocation=$append
else
  invocation=$(date -u +%Y%m%dT%H%M%SZ)-all-s$seed
fi
versions=$(printf '%s\n' "${chosen[@]}" | awk '{print $1}' | paste -sd, -)
echo "run-all: run id $invocation, seed $seed, $repeats repeat(s), nats-server $versions"
echo "run-all: store dirs under ${TMPDIR:-/tmp} ($store_fs)"
if [[ "$store_fs" == tmpfs ]]; then
  echo "run-all: warning: ${TMPDIR:-/tmp} is tmpfs: 'file' storage and fsync cost nothing there; set TMPDIR to a disk" >&2
fi

# Sizes that fit 3 versions x 3 repeats into about 30 minutes on 2 cores.
# The first repeat of each experiment also runs the sections whose answer
# is a count over many rounds or a byte count rather than a noisy time
# (crash and power-cut rounds; compression levels, delay and dropouts);
# later repeats skip them. bi-directional-sync's idle windows are 5 s (its
# idle chatter is a heartbeat pattern: 5 s give the same bytes/s as 10).
full_args() {
  case "$1" in
    # tsd's power cuts are off by default (they add minutes): 10 per
    # setting here (each loses all, none or part of its acked points, the
    # same way every time), 3 in --quick.
    tsd) echo "--power-cuts $((${#quick[@]} ? 3 : 10))" ;;
    # One paced rate (100 kbit/s: at 20 the paced catch-up alone takes a
    # minute; the 20 kbit/s budget is still computed from the link's bytes)
    # and one dropout pattern (the shorter outage).
    bi-directional-sync)
      ((${#quick[@]})) || echo "--idle-seconds 5 --link-rate 100 --paced-count 100 --link-dropout 2/6 --crash-rounds 1"
      ;;
    *) echo "" ;;
  esac
}
light_args() {
  case "$1" in
    tsd) echo "--crash-rounds 0" ;;
    # Compression off and at s2_best in every repeat (the bytes a point
    # costs, with a range); the other levels, delay, dropouts and the paced
    # link once per server.
    bi-directional-sync)
      echo "--crash-rounds 0 --compression off,s2_best --link-rtt 0 --link-dropout 0 --link-rate 0$( ((${#quick[@]})) || echo " --idle-seconds 5")"
      ;;
    *) echo "" ;;
  esac
}

# Every (experiment, server) pair once per repeat, shuffled per repeat with
# the seed: a figure never always runs first, or just after the heaviest.
plan=$(python3 - "$seed" "$repeats" "$experiments" "${chosen[@]}" <<'PY'
import random, sys
seed, repeats, exps, servers = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4:]
for rep in range(1, repeats + 1):
    pairs = [(exp, s) for exp in exps for s in servers]
    random.Random(f"{seed}-{rep}").shuffle(pairs)
    for exp, s in pairs:
        print(rep, exp, s)
PY
)
total=$(wc -l <<<"$plan")
status=0
failed=()
step=0
started=$(date +%s)
while read -r rep exp version path; do
  step=$((step + 1))
  bin=$build/$exp/$exp
  if [[ ! -x "$bin" ]]; then
    echo "run-all: $bin was not built" >&2
    status=1
    continue
  fi
  echo
  echo "=== [$step/$total] $exp on nats-server $version, repeat $rep/$repeats ${quick[*]} (after $(($(date +%s) - started)) s) ==="
  t0=$(date +%s)
  own=()
  if ((rep > 1)); then
    read -r -a own <<<"$(light_args "$exp")"
  else
    read -r -a own <<<"$(full_args "$exp")"
  fi
  if NATSEXP_RUN_ID=$invocation-v$version-r$rep \
    "$bin" "${quick[@]}" "${own[@]}" --results "$results" --nats-server "$path" "${extra[@]}"; then
    echo "=== $exp on $version: done in $(($(date +%s) - t0)) s ==="
  else
    rc=$?
    echo "=== $exp on $version: FAILED (exit $rc) after $(($(date +%s) - t0)) s ===" >&2
    failed+=("$exp")
    status=1
  fi
done <<<"$plan"

echo
failed_list=$(printf '%s\n' "${failed[@]}" | sort -u | paste -sd, -)
scripts/summarize --results "$results" --run-id "$invocation" --failed "$failed_list" \
  --about "run id $invocation: seed $seed, $repeats repeat(s) per experiment and server, order shuffled per repeat" \
  --about "nats-server versions: $versions" \
  --about "store dirs under ${TMPDIR:-/tmp}, filesystem $store_fs" || status=1
scripts/plot --results "$results" --run-id "$invocation" || status=1
echo "run-all: results in $results/ (run id $invocation, $(($(date +%s) - started)) s)"
exit $status
