#!/usr/bin/env bash
# summarize, plot and compare-runs on fixture CSVs: the good set yields the
# expected figures and charts; a wrong header or a short record is refused
# with one line and exit 1; --run-id selects a run; the findings fixture's two
# runs differ in one verdict.
#   test_scripts.sh SCRIPTS_DIR CASE [BUILD_DIR [SERVER]]
set -uo pipefail
scripts=$1 case=$2
fixtures=$scripts/tests/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL ($case): $*" >&2; exit 1; }
# The two invocations of the findings fixture.
inv_a=20270101T000000Z-all-s1 inv_b=20270102T000000Z-all-s2

# run PROG ARGS...: sets rc, out, err
run() {
  "$@" >"$work/out" 2>"$work/err"
  rc=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}

# has [-F] PATTERN WHY: fails with WHY unless a line of $out matches PATTERN
has() {
  local fixed=()
  [[ $1 == -F ]] && { fixed=(-F); shift; }
  grep -q "${fixed[@]}" -- "$1" <<<"$out" || fail "$2"
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
findings)
  # The Findings section of a fixture run: a target met, one not met, one within
  # noise, a figure measured once, counts, a cross-version finding; a version
  # without a finding's rows has no row for it.
  cp "$fixtures"/findings/*.csv "$work/"
  run "$scripts/summarize" --results "$work" --run-id "$inv_a" --out -
  [[ $rc -eq 0 ]] || fail "exit $rc: $err"
  [[ $(grep '^## ' <<<"$out" | head -2 | tr '\n' ' ') == '## Runs ## Findings ' ]] ||
    fail "the Findings section does not follow the Runs table"
  has -F '| `async-ceiling`: best js_PublishAsync window / ingest ceiling (core publish until stored), points/s | 2.15.1 | 91,000 (90,000-92,000) | 101,000 (100,000-102,000) | 0.90 | ≥ 0.8 | met |' \
    "a target cleared by the whole range is not met"
  has '| `acked-ceiling`: .* | 0.90 | ≥ 0.9 | within noise |' "overlapping target not within noise"
  has '| `publish-vs-ping`: .* | 2.00 | ≤ 1.5 | not met |' "a missed upper bound is not 'not met'"
  has '| `sync-vs-sqlite-normal`: .* | 20,000 | 0.26 | - | one run |' "a figure measured once gives a verdict"
  has '| `async-vs-sync`: .* | async faster |' "comparison verdict missing"
  has '| `power-cut-default`: acked points lost in 5 power cuts, .* | 1,000 | 1,000 | 1.00 | - | all lost |' \
    "power-cut count missing"
  has '| `crash-sqlite`: committed points lost in 3 SIGKILLs .* | 5 | 2,000 | 1/400 | - | some lost |' \
    "crash count missing"
  has '| `publish-versions`: .* | 2.15.1 vs 2.9.10 | 5,100 (5,000-5,200) | 4,100 (4,000-4,200) | 1.24 | - | newest faster |' \
    "cross-version finding missing"
  grep -q '| `async-vs-sync`: .* | 2.9.10 |' <<<"$out" && fail "a finding on a version without its rows"
  # The side-by-side table: a verdict per server, cross-version in its own column.
  # (2.9.10 has only the cross-version finding here: no column of its own.)
  has -F '| finding | 2.15.1 | newest vs oldest |' "no side-by-side verdict table"
  has '^| `async-ceiling`: [^|]* | met (0.90) | - |$' "side-by-side row of a per-version finding"
  has '^| `publish-versions`: [^|]* | - | newest faster (1.24) |$' "side-by-side cross-version row"
  ;;
findings-verdict)
  # The judgements on synthetic figures.
  PYTHONPATH=$scripts python3 - <<'PY' || fail "findings verdict logic"
from nxresults import Fig
from findings import (FINDINGS, Compare, Exact, Lost, Target, acked_lost, cas_lost, per_point,
                      row, show)
lo, mid, hi = Fig([200, 210, 220]), Fig([150, 160, 170]), Fig([100, 105, 110])
assert Target(0.8).judge(Fig([90, 91, 92]), Fig([100, 101, 102])) == "met"
assert Target(0.9).judge(Fig([90, 91, 92]), Fig([100, 101, 102])) == "within noise"
assert Target(1).judge(Fig([80, 81, 82]), Fig([100, 101, 102])) == "not met"
assert Target(1.5, at_most=True).judge(lo, hi) == "not met"     # 200 > 1.5 * 110
assert Target(1.5, at_most=True).judge(lo, Fig([140, 160])) == "within noise"  # 220 > 210, 200 < 240
assert Target(1.5, at_most=True).judge(Fig([200, 225]), mid) == "met"  # 225 <= 1.5 * 150, touching
assert Target(0.8).judge(90.0, Fig([100, 101, 102])) == "one run"
assert Target(1, at_most=True).judge(Fig([3000, 3100]), Exact(2500)) == "not met"
assert Target(1, at_most=True).judge(Fig([2000, 2100]), Exact(2500)) == "met"
assert Target(1, at_most=True).judge(2000.0, Exact(2500)) == "one run"
assert Target(2, at_most=True).target == "≤ 2" and Target(0.8).target == "≥ 0.8"
fast = Compare("JetStream faster", "SQLite faster", higher_is_better=False)
assert fast.judge(hi, lo) == "JetStream faster" and fast.judge(lo, hi) == "SQLite faster"
assert Compare("async faster", "sync faster").judge(lo, hi) == "async faster"
assert fast.judge(lo, Fig([215, 230])) == "within noise" and fast.judge(lo, 100.0) == "one run"
assert [Lost().judge(*c) for c in ((0, 10), (3, 10), (10, 10))] == \
    ["none lost", "some lost", "all lost"]
assert acked_lost("50 power cuts (x); acked 1000, lost 12 (in 3 rounds)") == (12, 1000, 50)
assert acked_lost("20 rounds, SIGKILL; committed 45695, lost 0; more") == (0, 45695, 20)
assert cas_lost("2 writers: 876 conflicts, counter 0 -> 1990, 10 lost; safe") == (10, 2000, 1)
bytes_row = {"op": "link_bytes_per_msg", "case": "c", "store": "jetstream", "count": "100",
             "bytes": Fig([1000, 1200, 1500])}
f = per_point(row("link_bytes_per_msg", "c"))([bytes_row])
assert (float(f), f.lo, f.hi, f.n) == (12, 10, 15, 3)
assert show(5) == "5" and show(0.176) == "0.176" and show(Fig([5.04, 5.05, 5.06])) == "5.05 (5.04-5.06)"
ids = [x.id for x in FINDINGS]
assert len(ids) == len(set(ids)), "finding ids are not unique"
PY
  ;;
compare-runs)
  # Two fixture invocations: one verdict changes (exit 1), one finding is in A
  # only (no change); a run against itself changes nothing (exit 0).
  cp "$fixtures"/findings/*.csv "$work/"
  run "$scripts/compare-runs" --results "$work" "$inv_a" "$inv_b"
  [[ $rc -eq 1 ]] || fail "exit $rc with a changed verdict, expected 1: $err"
  has -F '| `publish-vs-ping` | 2.15.1 | not met (2.00) | met (1.31) | CHANGED | not settled |' \
    "the changed verdict is not marked"
  has -F '| `crash-sqlite` | 2.15.1 | some lost (1/400) | - | only in A |' \
    "a finding of one run only is not marked"
  has -F '| `acked-ceiling` | 2.15.1 | within noise (0.90) | within noise (0.90) | same | within noise |' \
    "within noise in both is not the same"
  [[ $(tail -1 <<<"$out") == "9 findings, 7 same, 1 changed" ]] || fail "count line: $(tail -1 <<<"$out")"
  [[ $(grep -c CHANGED <<<"$out") -eq 1 ]] || fail "more than one verdict changed"
  run "$scripts/compare-runs" --results "$work" "$inv_a" "$inv_a" --out "$work/same.md"
  [[ $rc -eq 0 ]] || fail "exit $rc for a run against itself"
  [[ $out == "9 findings, 9 same, 0 changed" ]] || fail "stdout with --out: $out"
  grep -q CHANGED "$work/same.md" && fail "a run differs from itself"
  run "$scripts/compare-runs" --results "$work" "$inv_a" 20990101T000000Z-all-s9
  [[ $rc -eq 2 ]] || fail "exit $rc for an unknown run id, expected 2"
  [[ $(wc -l <"$work/err") -eq 1 ]] || fail "expected one line on stderr, got: $err"
  grep -qF "no rows with run id 20990101T000000Z-all-s9" "$work/err" || fail "stderr: $err"
  run "$scripts/compare-runs" --results "$work" "$inv_a"
  [[ $rc -eq 2 ]] || fail "exit $rc with one run id, expected 2"
  run "$scripts/compare-runs" --help
  [[ $rc -eq 0 ]] || fail "--help exit $rc"
  has 'RUN_A RUN_B' "--help has no usage line"
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
