"""Reading the natsexp CSV files: the schema, strict loading, run selection.

Shared by scripts/summarize and scripts/plot. Python 3 standard library only.
"""

import csv
import os
import re

SCHEMA = ("run_id,utc,experiment,case,op,store,storage,replicas,payload_bytes,count,seconds,"
          "rate_per_s,p50_us,p90_us,p99_us,max_us,bytes,server_version,client_version,verified,"
          "note").split(",")
EXPERIMENTS = ("tsd", "point-store", "bi-directional-sync")


class Refused(Exception):
    """A problem with the input, reported as one line."""


def load_csv(path):
    """All rows of one CSV as dicts; Refused when it is not the schema."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header != SCHEMA:
                raise Refused(f"{path}: the header is not the natsexp CSV schema "
                              f"(see results/SCHEMA.md); refusing to read it")
            rows = []
            for fields in reader:
                if len(fields) != len(SCHEMA):
                    raise Refused(f"{path}: record {reader.line_num} has {len(fields)} fields, "
                                  f"the schema has {len(SCHEMA)}")
                rows.append(dict(zip(SCHEMA, fields)))
            return rows
    except (csv.Error, UnicodeDecodeError) as e:
        raise Refused(f"{path}: not a readable CSV file: {e}") from e


# scripts/run-all.sh names each process of one invocation
# <invocation>-v<server version>-r<repeat>: the invocation is the run.
_PROCESS_SUFFIX = re.compile(r"^(?P<inv>.+)-v[0-9][0-9A-Za-z.]*-r[0-9]+$")


def invocation(run_id):
    """The invocation a process run id belongs to (itself when it is not run-all's)."""
    m = _PROCESS_SUFFIX.match(run_id)
    return m.group("inv") if m else run_id


def pick_run(rows, run_id=None):
    """The rows of run_id (an invocation: every process of it), or of the invocation that
    wrote the newest row."""
    if not run_id:
        if not rows:
            return []
        run_id = invocation(max(rows, key=lambda r: r["utc"])["run_id"])
    return [r for r in rows if r["run_id"] == run_id or invocation(r["run_id"]) == run_id]


class Fig(float):
    """A figure measured n times: the median, with the lowest and highest."""

    def __new__(cls, values):
        vals = sorted(values)
        n = len(vals)
        mid = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
        f = super().__new__(cls, mid)
        f.lo, f.hi, f.n = vals[0], vals[-1], n
        return f

    def __str__(self):
        return fmt_value(self)


def fmt_value(v, digits=1):
    """A figure as a table shows it; a repeated one as 'median (min-max)'."""
    if v is None:
        return "-"

    def one(x):
        if abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.{digits}f}"
    if isinstance(v, Fig) and v.n > 1 and v.lo != v.hi:
        return f"{one(v)} ({one(v.lo)}-{one(v.hi)})"
    return one(v)


def overlap(a, b):
    """True when two repeated figures' ranges overlap (a single figure has a point range)."""
    alo, ahi = (a.lo, a.hi) if isinstance(a, Fig) else (a, a)
    blo, bhi = (b.lo, b.hi) if isinstance(b, Fig) else (b, b)
    return alo <= bhi and blo <= ahi


def repeated(v):
    return isinstance(v, Fig) and v.n > 1


def ratio(a, b, digits=2, noise=True):
    """a / b (of the medians when repeated); a ratio far below 1 reads better as 1/N, one far
    above it as a whole number. When
    both figures were repeated and their ranges overlap, the ratio is no finding: it says
    so (unless noise=False: a verdict column beside it says it)."""
    if a is None or b is None or b == 0:
        return "-"
    r = a / b
    if 0 < r < 0.1:
        text = f"1/{1 / r:,.0f}"
    elif r >= 100:
        text = f"{r:,.0f}"  # hundreds of times: the decimals are noise
    else:
        text = f"{r:.{digits}f}"
    if noise and a is not b and repeated(a) and repeated(b) and overlap(a, b):
        text += " (within noise)"
    return text


def verdict(a, b, higher="higher", lower="lower"):
    """Compares a to b: `higher` or `lower` only when both were repeated and their ranges do
    not overlap; 'within noise' when they overlap; 'one run' when either was measured once
    (no range, no verdict)."""
    if a is None or b is None:
        return "-"
    if not (repeated(a) and repeated(b)):
        return "one run"
    if overlap(a, b):
        return "within noise"
    return higher if a > b else lower


NUMERIC = ("payload_bytes", "count", "seconds", "rate_per_s", "p50_us", "p90_us", "p99_us",
           "max_us", "bytes")
_VERIFIED_RANK = {"yes": 0, "count": 1, "": 2, "no": 3}


def nats_version_of(rows):
    """{run_id: the nats-server version its JetStream rows name} (SQLite rows carry SQLite's
    version; they belong to the server of the process that measured them)."""
    seen = {}
    for r in rows:
        if r["store"] == "jetstream" and r["server_version"]:
            seen.setdefault(r["run_id"], {}).setdefault(r["server_version"], 0)
            seen[r["run_id"]][r["server_version"]] += 1
    return {rid: max(vs, key=vs.get) for rid, vs in seen.items()}


def version_key(v):
    out = []
    for part in re.split(r"[.-]", v):
        out.append(int(part) if part.isdigit() else -1)
    return out


def by_server(rows):
    """[(nats-server version, rows of every process that ran on it)], oldest first. A run
    without JetStream rows counts as version ''."""
    of = nats_version_of(rows)
    groups = {}
    for r in rows:
        groups.setdefault(of.get(r["run_id"], ""), []).append(r)
    return sorted(groups.items(), key=lambda kv: version_key(kv[0]))


def collapse(rows):
    """One row per measurement across repeats (same op, case, store, storage, replicas,
    payload): numeric fields become Figs (median, min, max) where they vary, verified is the
    worst of the repeats, the note is the first repeat's. Order of first appearance kept."""
    groups, order = {}, []
    for r in rows:
        key = (r["op"], r["case"], r["store"], r["storage"], r["replicas"], r["payload_bytes"],
               r["experiment"])
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(r)
    out = []
    for key in order:
        reps = groups[key]
        row = dict(reps[0])
        row["repeats"] = len({r["run_id"] for r in reps}) if len(reps) > 1 else 1
        for k in NUMERIC:
            vals = []
            for r in reps:
                try:
                    vals.append(float(r[k]))
                except (KeyError, ValueError):
                    pass
            if len(vals) > 1 and len(vals) == len(reps):
                row[k] = Fig(vals)
        row["verified"] = max((r["verified"] for r in reps),
                              key=lambda v: _VERIFIED_RANK.get(v, 2))
        # Counts kept in notes (points lost in crash rounds) add up over the repeats.
        row["notes"] = [r["note"] for r in reps]
        out.append(row)
    return out


def load_runs(results_dir, run_id=None):
    """{experiment: rows of the chosen run}; Refused on a bad file or nothing found."""
    runs, found = {}, False
    for exp in EXPERIMENTS:
        path = os.path.join(results_dir, exp + ".csv")
        try:
            rows = load_csv(path) if os.path.exists(path) else []
        except OSError as e:
            raise Refused(f"{path}: {e.strerror}") from e
        found |= bool(rows)
        runs[exp] = pick_run(rows, run_id)
    if not found:
        raise Refused(f"no experiment rows in {results_dir}/ (run scripts/run-all.sh first)")
    if run_id and not any(runs.values()):
        raise Refused(f"no rows with run id {run_id} in {results_dir}/")
    return runs


def num(row, key):
    """The field as a float (a Fig when repeated), or None when the row is missing or the
    field empty."""
    if row is None:
        return None
    v = row.get(key)
    if isinstance(v, float):
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def select(rows, op, store=None):
    return [r for r in rows if r["op"] == op and (store is None or r["store"] == store)]


def find(rows, op, store=None, case=None, case_prefix=None):
    for r in select(rows, op, store):
        if case is not None and r["case"] != case:
            continue
        if case_prefix is not None and not r["case"].startswith(case_prefix):
            continue
        return r
    return None


def case_value(case, key):
    """The integer after key= in a case such as 'history=100 query=seek'."""
    for tok in case.split():
        if tok.startswith(key + "="):
            try:
                return int(tok.split("=", 1)[1].rstrip("kbit"))
            except ValueError:
                return None
    return None


def replica_counts(rows):
    return sorted({int(r["replicas"]) for r in rows
                   if r["store"] == "jetstream" and r["replicas"].isdigit()})


def single_pass(rows):
    """A run that measured R1 and R3 (on a cluster) keeps its R1 rows and the rows without
    replicas (SQLite) for the per-experiment tables; R3 gets its own section."""
    counts = replica_counts(rows)
    if len(counts) < 2:
        return rows
    return [r for r in rows if r["replicas"] in ("", str(counts[0]))]


BATCH_OPS = ("js_publish_atomic_batch", "js_publish_fast_batch", "js_publish_persist_async")


def is_window(r):
    """A plain js_PublishAsync window-sweep row, not one of the variants."""
    return r["case"].startswith("js_PublishAsync w=") and "," not in r["case"]


def fastest(rows):
    return max(rows, key=lambda r: num(r, "rate_per_s") or 0, default=None)


def js_sync(rows):
    """tsd's js_Publish row on the default server (not its sync_interval variant)."""
    return next((r for r in select(rows, "js_publish_sync", "jetstream")
                 if "sync_interval" not in r["case"]), None)


def async_rows(rows):
    """tsd's js_PublishAsync rows on the default server: the window sweep and its variants."""
    return [r for r in select(rows, "js_publish_async", "jetstream")
            if "sync_interval" not in r["case"]]


def best_window(rows):
    """The fastest window of tsd's plain js_PublishAsync sweep."""
    return fastest([r for r in async_rows(rows) if is_window(r)])


def best_acked(rows):
    """The fastest tsd publisher whose every point is covered by an ack it checked, sent
    after the write (as tsd's own line picks it: not persist_mode: async, which acks
    first, nor the sync_interval: always server's, which is another setting)."""
    batches = [r for r in rows if r["store"] == "jetstream" and r["op"] in BATCH_OPS
               and r["op"] != "js_publish_persist_async"]
    return fastest([r for r in async_rows(rows) + batches
                    if "no ack handler" not in r["case"]
                    and not r["case"].endswith("sync_interval: always")
                    and num(r, "rate_per_s")])


def _short_sqlite(case):
    """'one txn per point, synchronous=FULL' -> '1 txn/point FULL'."""
    sync = case.rsplit("synchronous=", 1)[-1] if "synchronous=" in case else ""
    head = case.split(",")[0]
    if head.startswith("one txn per point"):
        head = "1 txn/point"
    elif "points per txn" in head:
        head = head.replace(" points per txn", "/txn")
    return f"{head} {sync}".strip()


def tsd_pairs(rows):
    """The comparable JetStream and SQLite rows of a tsd run:
    [(label, JetStream row, SQLite row)], both rows present."""
    sync, best = js_sync(rows), best_window(rows)
    pairs = []
    for sq in select(rows, "sqlite_insert", "sqlite"):
        one = sq["case"].startswith("one txn per point")
        pairs.append(("insert " + _short_sqlite(sq["case"]), sync if one else best, sq))
    pairs.append(("read all", find(rows, "read_ordered", "jetstream"),
                  find(rows, "read_all", "sqlite")))
    for js in select(rows, "read_range", "jetstream"):
        label = ("range " + js["case"].replace(" points", " pts").replace("store of ", "")
                 .replace("same ", "").replace("empty range between 2 pts", "empty"))
        pairs.append((label, js, find(rows, "read_range", "sqlite", case=js["case"])))
    return [(label, js, sq) for label, js, sq in pairs if js is not None and sq is not None]
