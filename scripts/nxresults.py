"""Reading the natsexp CSV files: the schema, strict loading, run selection.

Shared by scripts/summarize and scripts/plot. Python 3 standard library only.
"""

import csv
import os

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


def pick_run(rows, run_id=None):
    """The rows of run_id, or of the run that wrote the newest row."""
    if run_id:
        return [r for r in rows if r["run_id"] == run_id]
    if not rows:
        return []
    latest = max(rows, key=lambda r: r["utc"])["run_id"]
    return [r for r in rows if r["run_id"] == latest]


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
    """The field as a float, or None when the row is missing or the field empty."""
    if row is None:
        return None
    try:
        return float(row[key])
    except (KeyError, ValueError):
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
    sync = find(rows, "js_publish_sync", "jetstream")
    windows = [r for r in select(rows, "js_publish_async", "jetstream")
               if r["case"].startswith("js_PublishAsync w=") and "," not in r["case"]]
    best = max(windows, key=lambda r: num(r, "rate_per_s") or 0, default=None)
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
