"""The suite's headline findings, judged so that a verdict holds from one run to the next.

A finding sets two figures of one run against each other, A and B, each the median of its
repeats with their range (lowest to highest). A verdict is printed only where the ranges
settle it: two figures are compared ("JetStream faster", ...) only when their ranges do not
overlap; A/B against a target t is "met" only when A.lo >= t * B.hi (for an upper bound such
as a latency, A.hi <= t * B.lo) and "not met" only when it misses just as clearly; anything
in between is "within noise", and a figure measured once gives "one run" (no range, no
verdict). Points lost over many crash or power-cut rounds are whole counts that need no
range: "none lost", "some lost" or "all lost". scripts/summarize writes the findings of a
run as its Findings section, one row per finding and server version (a cross-version
finding: the newest server against the oldest); scripts/compare-runs computes them for two
runs and marks every verdict that changed, since two consecutive full runs should agree on
each finding.

FINDINGS is the one list. Each entry names its experiment, says in one line what it
compares, and has a measure: given the collapsed rows of one server version it returns
(A, B), or (A, B, words for the statement), or None when that version lacks the rows; for a
cross-version finding it returns the one figure that is set against the other version's.
"""

import os
import re
import sys
from collections import namedtuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nxresults import (Fig, best_acked, best_window, by_server, case_value, collapse,  # noqa: E402
                       fastest, find, fmt_value, js_sync, num, ratio, repeated, select,
                       single_pass, verdict)


class Exact(float):
    """A figure that is known, not measured (a link's nominal capacity): its range is the
    point itself, so it never turns a verdict into 'one run'."""

    @property
    def lo(self):
        return float(self)

    hi = lo


def _range(v):
    """(lo, hi) of a figure, or None for one measured once."""
    return (v.lo, v.hi) if isinstance(v, Exact) or repeated(v) else None


# ---------------------------------------------------------------- judgements

class Compare:
    """A against B: the winner's word only when the ranges do not overlap."""
    target = "-"

    def __init__(self, a_wins, b_wins, higher_is_better=True):
        self.words = (a_wins, b_wins) if higher_is_better else (b_wins, a_wins)

    def judge(self, a, b):
        return verdict(a, b, *self.words)


class Target:
    """A / B against a target t: at least t, or at most t (latencies, bytes)."""

    def __init__(self, t, at_most=False):
        self.t, self.at_most = t, at_most
        self.target = f"{'≤' if at_most else '≥'} {t:g}"

    def judge(self, a, b):
        ra, rb = _range(a), _range(b)
        if ra is None or rb is None:
            return "one run"
        (alo, ahi), (blo, bhi), t = ra, rb, self.t
        if self.at_most:
            met, missed = ahi <= t * blo, alo > t * bhi
        else:
            met, missed = alo >= t * bhi, ahi < t * blo
        return "met" if met else "not met" if missed else "within noise"


class Lost:
    """A = points (or updates) lost, B = acknowledged, summed over every round: counts, so
    the words follow from them alone."""
    target = "-"

    def judge(self, lost, total):
        return "none lost" if lost == 0 else "all lost" if lost >= total else "some lost"


# ---------------------------------------------------------------- row lookups

def row(op, case=None, store="jetstream"):
    return lambda rows: find(rows, op, store, case=case)


def ending(op, suffix, store="jetstream"):
    """The first op row whose case ends with suffix (the setting a case names last)."""
    return lambda rows: next((r for r in select(rows, op, store) if r["case"].endswith(suffix)),
                             None)


def busier(*picks):
    """Of the rows picks find (each way of a link), the one with the higher rate."""
    return lambda rows: fastest([r for r in (p(rows) for p in picks) if r])


def fig(field, pick):
    return lambda rows: num(pick(rows), field)


def const(value):
    return lambda rows: Exact(value)


def pair(a, b):
    return lambda rows: (a(rows), b(rows))


def _scaled(v, k):
    """v * k, keeping a repeated figure's range."""
    if not isinstance(v, Fig):
        return v * k
    f = Fig([v.lo * k, float(v) * k, v.hi * k])
    f.n = v.n
    return f


def per_point(pick):
    """Bytes per point of a link_bytes_per_msg row."""
    def figure(rows):
        r = pick(rows)
        b, n = num(r, "bytes"), num(r, "count")
        return _scaled(b, 1 / n) if b is not None and n else None
    return figure


# point-store's readers that fetch a node's whole state in one round trip, the reads that the
# ping on their connection is the yardstick of.
ONE_TRIP = ("state_direct_pipelined", "state_direct_multi", "state_kv_pipelined",
            "state_kv_multi")


def one_trip_deepest(rows):
    """The lowest-p50 one-round-trip node-state read at the deepest history measured."""
    reads = [r for r in rows if r["op"] in ONE_TRIP and r["case"].startswith("history=")]
    deepest = max((case_value(r["case"], "history") for r in reads), default=None)
    return min((r for r in reads if case_value(r["case"], "history") == deepest),
               key=lambda r: num(r, "p50_us"), default=None)


def beside_deepest(op, suffix="", store="jetstream"):
    """The op row of the same history as the best one-round-trip read."""
    def pick(rows):
        best = one_trip_deepest(rows)
        return best and find(rows, op, store, case=best["case"] + suffix)
    return pick


LOSS = re.compile(r"(?:acked|committed) ([0-9]+), lost ([0-9]+)")
ROUNDS = re.compile(r"^([0-9]+) (?:power cuts|rounds)")
CAS_LOSS = re.compile(r"counter [0-9]+ -> ([0-9]+), ([0-9]+) lost")


def acked_lost(note):
    """(lost, acked, rounds) from a crash or power-cut row's note."""
    m, n = LOSS.search(note), ROUNDS.match(note)
    return (int(m[2]), int(m[1]), int(n[1])) if m and n else None


def cas_lost(note):
    """(lost, increments, 1): the counter ends short of the increments by the lost ones."""
    m = CAS_LOSS.search(note)
    return (int(m[2]), int(m[1]) + int(m[2]), 1) if m else None


def losses(pick, tally):
    """Lost and acknowledged summed over every repeat's note, with the rounds they cover."""
    def measure(rows):
        r = pick(rows)
        counts = [tally(n) for n in (r.get("notes", [r["note"]]) if r else [])]
        if not counts or None in counts:
            return None
        lost, total, rounds = (sum(c) for c in zip(*counts))
        return lost, total, {"rounds": f"{rounds:,}"}
    return measure


CEILING = fig("rate_per_s", row("core_publish_stored"))
SYNC = fig("rate_per_s", js_sync)
BEST_WINDOW = fig("rate_per_s", best_window)
RANGE_MID = "50 points mid-series, store of 100000"
FIRST_POINT = fig("seconds", row("catchup_after_outage", "first_point"))


def sqlite_insert(case):
    return fig("rate_per_s", row("sqlite_insert", case, "sqlite"))


def link_per_point(mode):
    return per_point(row("link_bytes_per_msg", f"hub_to_leaf down streams=2 compression={mode}"))


JS_SQLITE = Compare("JetStream faster", "SQLite faster")
JS_SQLITE_LATENCY = Compare("JetStream faster", "SQLite faster", higher_is_better=False)
NEWEST = Compare("newest faster", "newest slower")
NEWEST_LATENCY = Compare("newest faster", "newest slower", higher_is_better=False)

Finding = namedtuple("Finding", "id experiment statement measure judgement across")


def F(fid, exp, statement, measure, judgement, across=False):
    return Finding(fid, exp, statement, measure, judgement, across)


def power_cut(fid, store, setting, who):
    # SQLite's are committed rather than acknowledged.
    points = "committed" if store == "sqlite" else "acked"
    return F(fid, "tsd", f"{points} points lost in {{rounds}} power cuts, {who}",
             losses(ending("power_cut_recovery", setting, store), acked_lost), Lost())


FINDINGS = [
    F("async-vs-sync", "tsd", "best js_PublishAsync window against js_Publish, points/s",
      pair(BEST_WINDOW, SYNC), Compare("async faster", "sync faster")),
    F("async-ceiling", "tsd", "best js_PublishAsync window / ingest ceiling (core publish "
      "until stored), points/s", pair(BEST_WINDOW, CEILING), Target(0.8)),
    F("acked-ceiling", "tsd", "best acknowledged publisher / ingest ceiling, points/s",
      pair(fig("rate_per_s", best_acked), CEILING), Target(0.9)),
    F("publish-vs-ping", "tsd", "js_Publish p50 / PING p50 on the same connection",
      pair(fig("p50_us", js_sync), fig("p50_us", row("ping_rtt"))), Target(1.5, at_most=True)),
    F("sync-vs-sqlite-normal", "tsd", "js_Publish against SQLite one txn per point, "
      "synchronous=NORMAL, points/s",
      pair(SYNC, sqlite_insert("one txn per point, synchronous=NORMAL")), JS_SQLITE),
    F("sync-vs-sqlite-full", "tsd", "js_Publish against SQLite one txn per point, "
      "synchronous=FULL, points/s",
      pair(SYNC, sqlite_insert("one txn per point, synchronous=FULL")), JS_SQLITE),
    F("async-vs-sqlite-batch", "tsd", "best js_PublishAsync window against SQLite 1000 points "
      "per txn, synchronous=NORMAL, points/s",
      pair(BEST_WINDOW, sqlite_insert("1000 points per txn, synchronous=NORMAL")), JS_SQLITE),
    F("read-all", "tsd", "read all back: ordered consumer against SQLite SELECT all, points/s",
      pair(fig("rate_per_s", row("read_ordered")),
           fig("rate_per_s", row("read_all", store="sqlite"))), JS_SQLITE),
    F("range-mid", "tsd", f"range query ({RANGE_MID}): JetStream against SQLite, p50 us",
      pair(fig("p50_us", row("read_range", RANGE_MID)),
           fig("p50_us", row("read_range", RANGE_MID, "sqlite"))), JS_SQLITE_LATENCY),
    F("sync-always", "tsd", "js_Publish with sync_interval: always against the default, "
      "points/s", pair(fig("rate_per_s", ending("js_publish_sync", "sync_interval: always")),
                       SYNC), Compare("always faster", "always slower")),
    power_cut("power-cut-default", "jetstream", "sync_interval default",
              "JetStream sync_interval default"),
    power_cut("power-cut-1s", "jetstream", "sync_interval 1s", "JetStream sync_interval 1s"),
    power_cut("power-cut-always", "jetstream", "sync_interval always",
              "JetStream sync_interval always"),
    power_cut("power-cut-sqlite-normal", "sqlite", "WAL NORMAL", "SQLite WAL NORMAL"),
    power_cut("power-cut-sqlite-full", "sqlite", "WAL FULL", "SQLite WAL FULL"),
    F("crash-jetstream", "tsd", "acked points lost in {rounds} SIGKILLs of nats-server while "
      "publishing", losses(row("crash_recovery"), acked_lost), Lost()),
    F("crash-sqlite", "tsd", "committed points lost in {rounds} SIGKILLs of the SQLite "
      "inserter (WAL NORMAL)", losses(row("crash_recovery", store="sqlite"), acked_lost),
      Lost()),
    F("state-vs-sqlite", "point-store", "node state at the deepest history: best "
      "one-round-trip read against SQLite seek, p50 us",
      pair(fig("p50_us", one_trip_deepest),
           fig("p50_us", beside_deepest("state_sqlite", " query=seek", "sqlite"))),
      JS_SQLITE_LATENCY),
    F("state-vs-ping", "point-store", "best one-round-trip node-state read at the deepest "
      "history / PING p50",
      pair(fig("p50_us", one_trip_deepest), fig("p50_us", beside_deepest("ping_rtt"))),
      Target(2, at_most=True)),
    F("last-per-subject-history", "point-store", "deliver-last-per-subject node read at "
      "history 1000 against history 1, p50 us",
      pair(fig("p50_us", row("state_last_per_subject", "history=1000")),
           fig("p50_us", row("state_last_per_subject", "history=1"))),
      Compare("faster at history 1000", "slower at history 1000", higher_is_better=False)),
    F("cas-exact", "point-store", "compare-and-set increments on R1 (2 writers): updates lost "
      "over {rounds} runs", losses(row("cas_update"), cas_lost), Lost()),
    F("compression-bytes", "bi-directional-sync", "bytes per synced point hub to leaf: "
      "s2_best against compression off",
      pair(link_per_point("s2_best"), link_per_point("off")),
      Compare("s2_best fewer", "s2_best more", higher_is_better=False)),
    F("idle-60-streams", "bi-directional-sync", "idle link bytes/s of 60 sourced streams "
      "(busier way) / a 20 kbit/s link (2,500 B/s)",
      pair(fig("rate_per_s", busier(row("link_idle", "up streams=60"),
                                    row("link_idle", "down streams=60"))), const(2500)),
      Target(1, at_most=True)),
    F("range-mid-versions", "tsd", f"range query ({RANGE_MID}), JetStream p50 us: newest "
      "server against oldest", fig("p50_us", row("read_range", RANGE_MID)), NEWEST_LATENCY,
      across=True),
    F("catchup-versions", "bi-directional-sync", "catch-up after a leaf restart, seconds to "
      "the first missed point: newest server against oldest", FIRST_POINT, NEWEST_LATENCY,
      across=True),
    F("publish-versions", "tsd", "js_Publish points/s: newest server against oldest", SYNC,
      NEWEST, across=True),
]


# ---------------------------------------------------------------- evaluation

Result = namedtuple("Result", "id statement server a b ratio target verdict")


def _per_version(f, versions):
    for v, rows in versions:
        yield v, f.measure(rows)


def _newest_vs_oldest(f, versions):
    have = [(v, x) for v, rows in versions if (x := f.measure(rows)) is not None]
    if len(have) >= 2:
        (old, a_old), (new, a_new) = have[0], have[-1]
        yield f"{new} vs {old}", (a_new, a_old)


def evaluate(runs):
    """The findings of one run ({experiment: its rows}) as [Result]: per finding, one for
    each server version that has its rows (oldest first), or one newest-against-oldest."""
    versions = {exp: [(v or "-", single_pass(collapse(rs))) for v, rs in by_server(rows)]
                for exp, rows in runs.items()}
    out = []
    for f in FINDINGS:
        each = _newest_vs_oldest if f.across else _per_version
        for server, got in each(f, versions.get(f.experiment, [])):
            if got is None or got[0] is None or got[1] is None:
                continue
            a, b, *words = got
            out.append(Result(f.id, f.statement.format(**(words[0] if words else {})), server,
                              a, b, ratio(a, b, noise=False), f.judgement.target,
                              f.judgement.judge(a, b)))
    return out


def show(v):
    """A figure with enough digits that a range of seconds does not read 0.2 (0.2-0.2)."""
    if isinstance(v, int) or v is None:
        return "-" if v is None else f"{v:,}"
    return fmt_value(v, 3 if abs(v) < 1 else 2 if abs(v) < 10 else 1)


HEADERS = ["finding", "server", "A", "B", "A/B", "target", "verdict"]


def cells(r):
    """A Result as a row of the summary's Findings table."""
    return [f"`{r.id}`: {r.statement}", r.server, show(r.a), show(r.b), r.ratio, r.target,
            r.verdict]


def wide(results):
    """(headers, rows): one row per finding, a 'verdict (A/B)' cell per server, so the
    servers read side by side; cross-version findings in a column of their own."""
    servers = []
    for r in results:
        if " vs " not in r.server and r.server not in servers:
            servers.append(r.server)
    rows, at = [], {}
    for r in results:
        if r.id not in at:
            at[r.id] = len(rows)
            rows.append([f"`{r.id}`: {r.statement}"] + ["-"] * (len(servers) + 1))
        col = len(servers) + 1 if " vs " in r.server else servers.index(r.server) + 1
        rows[at[r.id]][col] = f"{r.verdict} ({r.ratio})"
    return ["finding"] + servers + ["newest vs oldest"], rows
