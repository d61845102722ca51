#!/usr/bin/env bash
# summarize and plot on fixture CSVs: the good set yields the expected
# figures and charts; a wrong header or a short record is refused with one
# line and exit 1; --run-id selects a run.
#   test_scripts.sh SCRIPTS_DIR CASE [BUILD_DIR [SERVER]]
set -uo pipefail
scripts=$1 case=$2
fixtures=$scripts/tests/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL ($case): $*" >&2; exit 1; }

# run PROG ARGS...: sets rc, out, err
run() {
  "$@" >"$work/out" 2>"$work/err"
  rc=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}

expect_refused() { # needle
  [[ $rc -eq 1 ]] || fail "exit $rc, expected 1 (stderr: $err)"
  [[ $(wc -l <"$work/err") -eq 1 ]] || fail "expected one line on stderr, got: $err"
  grep -qF -- "$1" "$work/err" || fail "stderr lacks '$1': $err"
}

case "$case" in
summarize)
  cp "$fixtures"/good/*.csv "$work/"
  run "$scripts/summarize" --results "$work"
  [[ $rc -eq 0 ]] || fail "exit $rc: $err"
  md=$work/summary.md
  [[ -s "$md" ]] || fail "no summary.md"
  # Figures of the newest run (fixture-run), never of the older one.
  grep -q '| tsd | fixture-run |' "$md" || fail "tsd run is not fixture-run"
  grep -q '336,595' "$md" || fail "ceiling rate missing"
  grep -q '\*\*24.2x\*\* synchronous' "$md" || fail "async/sync ratio missing"
  grep -q 'reaches \*\*0.57\*\* of the server' "$md" || fail "async/ceiling ratio missing"
  grep -q '| js_Publish, every ack checked | one txn per point, synchronous=FULL | 7,971 | 4,331 | 1.84 |' "$md" ||
    fail "JetStream/SQLite pair missing"
  grep -q 'p50 ratio 1000/1' "$md" || fail "state latency table missing"
  grep -q '| state_direct_get | .* | 0.95 |' "$md" || fail "direct get ratio missing"
  grep -q 'Bytes on disk per point: stream 67.0, SQLite 73.7' "$md" || fail "footprint missing"
  grep -q 'idle | up streams=60 | 3,120 B/s' "$md" || fail "idle link bytes missing"
  grep -q '20200101T000000Z-1' "$md" && fail "the older run leaked in"
  ;;
failed)
  cp "$fixtures"/good/*.csv "$work/"
  run "$scripts/summarize" --results "$work" --failed point-store --out -
  [[ $rc -eq 0 ]] || fail "exit $rc: $err"
  grep -q 'point-store did not complete in this run' <<<"$out" || fail "failed run not flagged"
  grep -q 'tsd did not complete' <<<"$out" && fail "tsd flagged without cause"
  ;;
replicas)
  # A cluster run with R1 and R3 rows: the tsd tables use R1, R3 gets a
  # section of R3/R1 ratios, and failover (R3 only) is listed apart.
  cp "$fixtures"/replicas/tsd.csv "$work/"
  run "$scripts/summarize" --results "$work" --out -
  [[ $rc -eq 0 ]] || fail "exit $rc: $err"
  grep -q '| core_publish_stored | core publish, timed until stored | 195,625 | - | - | 1.00 |' <<<"$out" ||
    fail "the tsd table does not use the R1 ceiling"
  grep -q '## R3 against R1' <<<"$out" || fail "no R3 against R1 section"
  grep -q '| core_publish_stored | core publish, timed until stored | 195,625 | 98,390 | 0.50 |' <<<"$out" ||
    fail "R3/R1 ceiling ratio missing"
  grep -q '| js_publish_async | js_PublishAsync w=4096 | 175,644 | 56,456 | 0.32 | 21,037 | 67,371 | 3.20 | yes |' <<<"$out" ||
    fail "R3/R1 async row missing"
  grep -q '| failover_publish | R3 leader SIGKILLed' <<<"$out" || fail "failover row missing"
  ;;
versions)
  # A real --quick run-all with 2 repeats on three servers: each version's
  # section, figures as median (min-max), and the versions side by side with
  # a verdict only where the ranges do not overlap.
  cp "$fixtures"/versions/tsd.csv "$work/"
  run "$scripts/summarize" --results "$work" --out - --about "seed 7"
  [[ $rc -eq 0 ]] || fail "exit $rc: $err"
  grep -q '^- seed 7$' <<<"$out" || fail "--about line missing"
  for v in 2.9.10 2.10.27 2.15.1; do
    grep -q "^## tsd: JetStream as a time-series store (nats-server $v)" <<<"$out" ||
      fail "no tsd section for $v"
  done
  grep -q '| tsd | 20261202T042752Z-all-s7 (2 runs) | .* | 2.15.1, sqlite 3.40.1 | 3.4.1 | 64 of 64 | 2 |' <<<"$out" ||
    fail "runs table does not group the repeats of 2.15.1"
  grep -q '^## Across server versions (2.9.10, 2.10.27, 2.15.1)' <<<"$out" || fail "no across-versions section"
  # 94,868-116,752 on 2.9.10 against 142,221-162,046 on 2.15.1: a finding.
  grep -q '| js_publish_async | js_PublishAsync w=4096 | rate_per_s | 105,810 (94,868-116,752) | 71,905 (69,722-74,088) | 152,133 (142,221-162,046) | 1.44 | newest faster |' <<<"$out" ||
    fail "non-overlapping ranges give no verdict"
  # 72,623-119,132 against 67,332-87,933: noise.
  grep -q '| js_publish_async | js_PublishAsync w=16384 | rate_per_s | .* | 0.81 | within noise |' <<<"$out" ||
    fail "overlapping ranges are not within noise"
  # Latency: lower is faster.
  grep -q '| crash_recovery | .* | seconds | .* | newest slower |' <<<"$out" ||
    fail "a longer recovery is not slower"
  # A ratio of two overlapping figures inside a version's tables says so.
  grep -q '| js_publish_async | js_PublishAsync w=16384 | 95,877 (72,623-119,132) | .* | 1.00 (within noise) |' <<<"$out" ||
    fail "ratio of overlapping figures not marked"
  ;;
versions-plot)
  cp "$fixtures"/versions/tsd.csv "$work/"
  run "$scripts/plot" --results "$work"
  [[ $rc -eq 0 ]] || fail "exit $rc: $err"
  f=$work/versions-tsd.png
  [[ -s "$f" ]] || fail "versions-tsd.png not drawn"
  [[ $(head -c 8 "$f" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "versions-tsd.png is not a PNG"
  grep -q 'wrote .*/tsd-publish.png' "$work/out" || fail "the newest version's charts are missing"
  ;;
verdict)
  # The verdict logic on fixture figures.
  PYTHONPATH=$scripts python3 - <<'PY' || fail "verdict logic"
from nxresults import Fig, verdict, overlap, fmt_value
a, b = Fig([10, 11, 12]), Fig([13, 14, 15])
assert verdict(b, a, "faster", "slower") == "faster"
assert verdict(a, b, "faster", "slower") == "slower"
assert verdict(Fig([10, 12, 14]), Fig([13, 14, 15])) == "within noise"
assert verdict(Fig([10, 12]), Fig([12, 13])) == "within noise"  # touching ranges overlap
assert verdict(10.0, 14.0) == "one run"  # no range, no verdict
assert verdict(None, a) == "-"
assert not overlap(a, b) and overlap(a, Fig([12, 20]))
assert fmt_value(Fig([1000, 2000, 5000])) == "2,000 (1,000-5,000)"
assert fmt_value(Fig([3.0, 3.0])) == "3.0"
assert float(Fig([1, 2, 3, 4])) == 2.5
PY
  ;;
run-id)
  cp "$fixtures"/good/tsd.csv "$work/"
  run "$scripts/summarize" --results "$work" --run-id 20200101T000000Z-1 --out -
  [[ $rc -eq 0 ]] || fail "exit $rc: $err"
  grep -q '| tsd | 20200101T000000Z-1 |' <<<"$out" || fail "--run-id not honoured"
  run "$scripts/summarize" --results "$work" --run-id no-such-run
  expect_refused "no rows with run id no-such-run"
  ;;
bad-header)
  cp "$fixtures"/good/*.csv "$work/"
  cp "$fixtures"/bad-header/tsd.csv "$work/"
  run "$scripts/summarize" --results "$work"
  expect_refused "header is not the natsexp CSV schema"
  [[ ! -e "$work/summary.md" ]] || fail "summary.md written from a bad file"
  run "$scripts/plot" --results "$work"
  expect_refused "header is not the natsexp CSV schema"
  ;;
bad-row)
  cp "$fixtures"/bad-row/point-store.csv "$work/"
  run "$scripts/summarize" --results "$work"
  expect_refused "record 3 has 10 fields"
  ;;
empty)
  run "$scripts/summarize" --results "$work"
  expect_refused "no experiment rows"
  ;;
plot)
  cp "$fixtures"/good/*.csv "$work/"
  run "$scripts/plot" --results "$work"
  [[ $rc -eq 0 ]] || fail "exit $rc: $err"
  for png in tsd-publish tsd-windows tsd-vs-sqlite point-store-state sync-link; do
    f=$work/$png.png
    [[ -s "$f" ]] || fail "$png.png not drawn"
    [[ $(head -c 8 "$f" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "$png.png is not a PNG"
  done
  ;;
run-all-quick)
  # scripts/run-all.sh --quick on the build under test: all three experiments,
  # then summarize and plot, into a fresh results dir.
  build=$3
  servers=()
  [[ -n "${4:-}" ]] && servers=(--servers "$4")
  run "$scripts/run-all.sh" --quick --build "$build" --results "$work/results" "${servers[@]}"
  [[ $rc -eq 0 ]] || fail "exit $rc: $(tail -5 "$work/err")"
  for f in tsd.csv point-store.csv bi-directional-sync.csv summary.md; do
    [[ -s "$work/results/$f" ]] || fail "results/$f missing"
  done
  grep -q 'no rows' "$work/results/summary.md" && fail "an experiment has no rows in the summary"
  ls "$work/results"/*.png >/dev/null 2>&1 || fail "no plots"
  ;;
*) fail "unknown case" ;;
esac
echo "ok ($case)"
