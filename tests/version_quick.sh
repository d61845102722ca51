#!/usr/bin/env bash
# One experiment's --quick run on one nats-server version, end to end:
#
#   version_quick.sh CSV_WHOLE BINARY VERSION SERVER_PATH
#
# The run must pass its own checks (exit 0) on that server; every CSV row it
# wrote must be whole and name VERSION as its server (SQLite rows name
# SQLite's); a case the version lacks says so in one line instead of
# failing; nothing may be left running or in TMPDIR.
set -uo pipefail

csv_whole=$1
bin=$2
version=$3
server=$4
case_name="$(basename "$bin") on nats-server $version"
source "$(dirname "$0")/case_lib.sh"
case_begin version-quick
results="$work/results"

timeout -k 5 300 "$bin" --quick --results "$results" --nats-server "$server" >"$out" 2>"$err"
rc=$?
[[ $rc -eq 0 ]] || fail "exit $rc on nats-server $version"

csvs=("$results"/*.csv)
[[ -f "${csvs[0]}" ]] || fail "no CSV written under $results"
for csv in "${csvs[@]}"; do
  [[ -f "$csv" ]] || continue
  "$csv_whole" "$csv" || fail "$csv is not whole"
  # server_version is field 18, store field 6, verified field 20.
  bad=$(python3 - "$csv" "$version" <<'PY'
import csv, sys
path, version = sys.argv[1], sys.argv[2]
with open(path, newline="") as f:
    rows = list(csv.DictReader(f))
if not rows:
    print("no rows")
for r in rows:
    if r["store"] == "jetstream" and r["server_version"] != version:
        print(f"row {r['op']}/{r['case']} names server {r['server_version']!r}")
    if r["verified"] == "no" and "derived, not a data check" not in r["note"]:
        print(f"row {r['op']}/{r['case']} failed its check: {r['note'][:160]}")
PY
)
  [[ -z "$bad" ]] || fail "$bad"
done
# A case that needs a newer server prints one line naming both versions.
if grep -q "needs nats-server >=" "$out" "$err"; then
  grep -h "needs nats-server >=" "$out" "$err" | grep -qv "this is $version" &&
    fail "a 'needs nats-server' line names another version than $version"
fi
case_end keep
