#!/usr/bin/env bash
# tsd --quick against one nats-server binary (meson runs it once per
# version): the run passes, every row is verified, and each case for a
# current server is there exactly when the version has its feature; a case
# the version lacks prints its one line instead. A missing binary skips
# (exit 77): scripts/servers.sh fetches them.
#
#   versions.sh CASE_LIB TSD NATS_SERVER
set -uo pipefail
case_name="tsd-versions $3"
# shellcheck source=/dev/null
source "$1"
tsd=$2
server=$3
if [[ ! -x $server ]]; then
  echo "skip: no nats-server at $server (scripts/servers.sh fetches it)"
  exit 77
fi
version=$("$server" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
case_name="tsd-versions $version"
case_begin tsd-versions
nice "$tsd" --quick --crash-rounds 0 --results "$work/results" --nats-server "$server" \
  >"$out" 2>"$err" || fail "tsd --quick on $version exited $?"
expect_out "js_Publish p50 / PING-PONG p50 on its connection"

# Which lines each feature prints when the version lacks it.
python3 - "$version" "$work/results/tsd.csv" "$out" <<'PY' || fail "rows or lines do not match $version"
import csv, sys
version, path, out = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
v = tuple(int(x) for x in version.split("."))
rows = list(csv.DictReader(open(path)))
bad = False
def check(ok, what):
    global bad
    if not ok:
        print("versions.sh:", what); bad = True
for r in rows:
    check(r["verified"] == "yes", "row %s / %s is not verified" % (r["op"], r["case"]))
    if r["store"] == "jetstream":
        check(r["server_version"] == version, "row %s names server %s" % (r["op"], r["server_version"]))
def n(op, part=""):
    return sum(1 for r in rows if r["op"] == op and part in r["case"])
check(n("ping_rtt") == 1, "ping_rtt rows: %d" % n("ping_rtt"))
features = [  # op, case part, rows when present, since, missing line
    ("js_publish_sync", "sync_interval: always", 1, (2, 10), "sync_interval needs nats-server >= 2.10"),
    ("js_publish_async", "sync_interval: always", 1, (2, 10), None),
    ("js_publish_atomic_batch", "", 6, (2, 12), "atomic batch publish needs nats-server >= 2.12"),
    ("js_publish_fast_batch", "", 2, (2, 14), "needs nats-server >= 2.14"),
    ("js_publish_persist_async", "", 1, (2, 12), "persist_mode: async: not measured"),
    ("read_range_direct", "", 5, (2, 11), "time-range read by direct get: not measured"),
]
for op, part, want, since, line in features:
    has = v >= since
    check(n(op, part) == (want if has else 0), "%s rows (%s): %d" % (op, part, n(op, part)))
    if line and not has:
        check(line in out, "no line '%s'" % line)
sys.exit(1 if bad else 0)
PY
case_end keep
