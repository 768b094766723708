"""`python -m psynam bench [--sessions 100000,1000000,10000000] [--runs N] [--workdir DIR]`: generate
exports of those sizes with the sample generator, import each, and print one table per size.

Per size: import time and peak memory; per page (app.py's PAGES): the time of its queries, a full render
(AppTest) cold (the cached query frames cleared: a first visit on a warm server) and with cache (a rerun), and a
filter change (the period moved to a window not seen before; the filter bar's own frames stay cached);
medians of --runs runs after one warm-up. Then the Overview's session figures three ways: ours (the
named queries through psynam.db.run, Polars out), the raw DuckDB floor (the same SQL, Arrow out) and
the pandas baseline (psynam.perf.baseline: tables loaded once, filtered/aggregated in memory), with the
ratios and each one's peak memory. Every measure runs in its own child process (peak RSS = its
ru_maxrss). The bench prints; nothing asserts a time.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import resource
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from psynam import ROOT

TARGETS = {  # sessions -> (full render cold s, filter change s, app peak MB, import s, import peak MB); None: none
    1_000_000: (None, 0.15, None, None, None),
    10_000_000: (1.0, 0.3, 1024, 90, 1536),
}
MONTHLY_TARGET = 10.0  # s: a monthly import (~1 % new rows) into the database
PANDAS_TARGET = (1_000_000, 5.0)  # at least 5x faster than pandas at 1 million sessions
SEED, UNTIL = 2021, "2026-10"


# ---- helpers ---------------------------------------------------------------------------------------------

def app_pages() -> list[tuple[str, str]]:
    """(file, key) of every page in app.py's PAGES list, read without running the app."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            return [(file, key) for file, key, _path, _icon in ast.literal_eval(node.value)]
    raise LookupError("app.py has no PAGES list")


def page_tabs() -> list[tuple[str, str, int | None]]:
    """(file, key, tab index) of every page, once per tab for a page with tabs (labels.TABS), else with None."""
    from psynam import labels
    return [(file, key, tab) for file, key in app_pages()
            for tab in (range(len(labels.TABS[key])) if key in labels.TABS else [None])]


def row_key(key: str, tab: int | None) -> str:
    """A bench row: the page key, and for a tab after the first its number (`access[2]`)."""
    return key if not tab else f"{key}[{tab + 1}]"


def peak_mb() -> float:
    """This process's resident high-water mark. VmHWM rather than ru_maxrss: after fork and exec,
    ru_maxrss still counts what the parent held at the fork."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def in_child(fn, *args):
    """Run fn(*args) in a fresh process (spawned: no inherited memory), return its result."""
    with multiprocessing.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(fn, args)


def windows(last: date, count: int) -> list[tuple[date, date]]:
    """Twelve-month periods ending with `last`'s month, then each ending one month earlier."""
    out = []
    for shift in range(count):
        end = last.year * 12 + last.month - 1 - shift  # month index of the period's last month
        first_after = date((end + 1) // 12, (end + 1) % 12 + 1, 1)
        out.append((date((end - 11) // 12, (end - 11) % 12 + 1, 1), first_after - timedelta(days=1)))
    return out


# ---- measures (each in its own child process) ----------------------------------------------------------

def measure_generate(out: str, sessions: int) -> dict:
    from psynam.sample import write_sample
    started = time.perf_counter()
    write_sample(Path(out), seed=SEED, sessions=sessions, until=UNTIL)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def measure_import(export: str, db_path: str) -> dict:
    # A 10-million-session export expands beyond the upload limits (500 MB per file, 1 GB per archive):
    # they guard the app's upload, not this measure.
    os.environ.setdefault("PSYNAM_MAX_FILE_MB", "100000")
    os.environ.setdefault("PSYNAM_MAX_EXPANDED_MB", "100000")
    from psynam.ingest import import_paths
    started = time.perf_counter()
    report = import_paths([Path(export)], Path(db_path))
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "ok": bool(report.ok),
            "report": "" if report.ok else str(report)[:3000]}


def split_export(export: str, base: str, month: str, share: float = 0.01) -> dict:
    """A monthly import to measure: the export without its latest sessions (`base`: every table, the
    sessions but the last `share` of them — the generator writes them in date order) and those sessions
    alone (`month`: the next export's new rows). Lines are copied as bytes: no parsing, same formats."""
    import zipfile
    with zipfile.ZipFile(export) as src:
        names = src.namelist()
        with src.open("sessions.csv") as f:
            total = sum(1 for _ in f) - 1
        keep = total - max(1, int(total * share))
        with zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as b, zipfile.ZipFile(month, "w", zipfile.ZIP_DEFLATED) as m:
            for name in names:
                if name != "sessions.csv":
                    b.writestr(src.getinfo(name), src.read(name))
            with src.open("sessions.csv") as f, b.open("sessions.csv", "w", force_zip64=True) as out_b, \
                    m.open("sessions.csv", "w") as out_m:
                header = f.readline()
                out_b.write(header)
                out_m.write(header)
                for i, line in enumerate(f):
                    (out_b if i < keep else out_m).write(line)
    return {"rows": total - keep, "of": total}


def _last_month(db_path: str) -> date:
    import duckdb
    con = duckdb.connect(db_path, read_only=True)
    try:
        last = con.execute("select max(session_date) from sessions").fetchone()[0]
    finally:
        con.close()
    # The last complete month (the app's default period does the same).
    return last if (last + timedelta(days=1)).day == 1 else last.replace(day=1) - timedelta(days=1)


def measure_pages(db_path: str, runs: int) -> dict:
    """Every page through AppTest, in-process like a server session: cold, cached, filter change."""
    os.environ["PSYNAM_DB"] = db_path
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from psynam import db, labels, ui

    spent = {"seconds": 0.0, "calls": []}
    original = db.run

    def timed(con, name, **params):
        started = time.perf_counter()
        try:
            return original(con, name, **params)
        finally:
            spent["seconds"] += time.perf_counter() - started
            spent["calls"].append((name, params))

    db.run = timed
    periods = windows(_last_month(db_path), runs + 2)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    at.run()
    results = {}
    for file, key, tab in page_tabs():
        row = {"error": None}
        try:
            at.switch_page(file)
            # Through session state, not at.date_input(...): after switch_page AppTest's tree lacks the sidebar.
            at.session_state["periode"] = periods[0]
            if tab is not None:  # a page with tabs runs only the open one: each tab is measured open
                at.session_state[labels.tab_key(key)] = labels.TABS[key][tab]
            ui.clear_frames()
            at.run()  # warm-up: imports, plotly templates, the connection
            cold, queries = [], []
            for _ in range(runs):
                ui.clear_frames()
                spent["seconds"], spent["calls"] = 0.0, []
                started = time.perf_counter()
                at.run()
                cold.append(time.perf_counter() - started)
                queries.append(spent["seconds"])
            row["calls"] = list(spent["calls"])
            cached = []
            for _ in range(runs):
                started = time.perf_counter()
                at.run()
                cached.append(time.perf_counter() - started)
            changes, change_queries = [], []
            for window in periods[1:]:
                at.session_state["periode"] = window
                spent["seconds"] = 0.0
                started = time.perf_counter()
                at.run()
                changes.append(time.perf_counter() - started)
                change_queries.append(spent["seconds"])
            changes, change_queries = changes[1:], change_queries[1:]  # the first change is the warm-up
            if at.exception:
                row["error"] = str(at.exception[0].value)[:200]
            row.update(queries_s=median(queries), cold_s=median(cold), cached_s=median(cached),
                       change_s=median(changes), change_queries_s=median(change_queries))
        except Exception as exc:  # a broken page must not stop the bench: report it in its row
            row["error"] = f"{type(exc).__name__}: {exc}"[:200]
        results[row_key(key, tab)] = row
    return {"pages": results, "peak_mb": peak_mb()}


def measure_raw(db_path: str, calls_by_page: dict[str, list], runs: int) -> dict:
    """The floor: each page's SQL straight through DuckDB, Arrow out, no parameter checks, no Polars. The
    audit page's queries read the audit database (another file, attached by the app), not this one: they
    are left out of the floor (a few milliseconds)."""
    from psynam import db
    con = db.connect(db_path, read_only=True)
    out = {}
    for key, calls in calls_by_page.items():
        prepared = [(db._load(name)[0], {k: db._bindable(v) for k, v in params.items()}) for name, params in calls
                    if not name.startswith("audit/")]
        timings = []
        for i in range(runs + 1):
            started = time.perf_counter()
            for sql, params in prepared:
                con.sql(sql, params=params).to_arrow_table() if params else con.sql(sql).to_arrow_table()
            if i:
                timings.append(time.perf_counter() - started)
        out[key] = median(timings)
    con.close()
    return {"pages": out, "peak_mb": peak_mb()}


OVERVIEW_CORE = ("overview/activity_kpis", "overview/sessions_by_month")


def measure_overview_ours(db_path: str, runs: int) -> dict:
    """The Overview's session figures (this period, the previous one, the monthly chart) through the
    named queries, uncached, for fresh periods (what a filter change costs)."""
    from psynam import db, metrics
    from psynam.filters import Filters
    con = db.connect(db_path, read_only=True)
    periods = windows(_last_month(db_path), runs + 1)
    run = metrics.runner(con)
    timings, raw_timings = [], []
    for i, (start, end) in enumerate(periods):
        f = Filters(start, end)
        started = time.perf_counter()
        now, _before = metrics.activity(run, f), metrics.activity(run, f.previous())
        run("overview/sessions_by_month", **f.params())
        if i:
            timings.append(time.perf_counter() - started)
        else:
            check = {k: now[k] for k in ("sessions", "patients", "active_psychologists", "elderly_patients")}
        calls = [(OVERVIEW_CORE[0], f.params()), (OVERVIEW_CORE[0], f.previous().params()),
                 (OVERVIEW_CORE[1], f.params())]
        started = time.perf_counter()
        for name, params in calls:
            bound = {k: db._bindable(v) for k, v in params.items()}
            con.sql(db._load(name)[0], params=bound).to_arrow_table()
        if i:
            raw_timings.append(time.perf_counter() - started)
    con.close()
    return {"seconds": median(timings), "raw_seconds": median(raw_timings), "peak_mb": peak_mb(),
            "check": check, "period": periods[0]}


def measure_overview_pandas(db_path: str, runs: int) -> dict:
    from psynam.filters import Filters
    from psynam.perf import baseline
    started = time.perf_counter()
    tables = baseline.load(db_path)
    load_s = time.perf_counter() - started
    periods = windows(_last_month(db_path), runs + 1)
    timings = []
    for i, (start, end) in enumerate(periods):
        started = time.perf_counter()
        now, _before, _monthly = baseline.overview(tables, Filters(start, end))
        if i:
            timings.append(time.perf_counter() - started)
        if i == 0:
            check = {k: now[k] for k in ("sessions", "patients", "active_psychologists", "elderly_patients")}
    return {"seconds": median(timings), "load_s": load_s, "peak_mb": peak_mb(), "check": check}


# ---- printing ----------------------------------------------------------------------------------------------

def _ms(value) -> str:
    return "-" if value is None else f"{1000 * value:,.0f}"


def _flag(value, target) -> str:
    if value is None or target is None:
        return ""
    return " ok" if value <= target else " MISS"


def report(size: int, gen: dict, imp: dict, pages: dict, raw: dict, ours: dict, pandas: dict, runs: int,
           monthly: dict | None = None) -> str:
    render_t, change_t, memory_t, import_t, import_mb = TARGETS.get(size, (None,) * 5)
    lines = [f"\n=== {size:,} sessions (median of {runs} runs after a warm-up) ===",
             f"sample export generated in {gen['seconds']:.1f} s (peak {gen['peak_mb']:,.0f} MB)",
             f"import: {imp['seconds']:.1f} s" + _flag(imp["seconds"], import_t) + f", peak memory "
             f"{imp['peak_mb']:,.0f} MB" + _flag(imp["peak_mb"], import_mb) + ("" if imp["ok"] else "  (REFUSED)"),
             "",
             f"{'page':<12} {'queries ms':>11} {'raw SQL ms':>11} {'queries/raw':>12} {'render cold ms':>15} "
             f"{'render cached ms':>17} {'filter change ms':>17} {'change queries ms':>18}"]
    for key, row in pages["pages"].items():
        if row.get("cold_s") is None:
            lines.append(f"{key:<12} error: {row.get('error')}")
            continue
        floor = raw["pages"].get(key)
        ratio = f"{row['queries_s'] / floor:,.2f}x" if floor and floor > 0.002 else "-"
        lines.append(f"{key:<12} {_ms(row['queries_s']):>11} {_ms(floor):>11} {ratio:>12} "
                     f"{_ms(row['cold_s']) + _flag(row['cold_s'], render_t):>15} {_ms(row['cached_s']):>17} "
                     f"{_ms(row['change_s']) + _flag(row['change_s'], change_t):>17} "
                     f"{_ms(row.get('change_queries_s')):>18}"
                     + (f"  ! {row['error']}" if row.get("error") else ""))
    from psynam import labels
    tabs = [f"{row_key(key, i)} « {name} »" for key, names in labels.TABS.items() for i, name in enumerate(names)]
    lines.append("a page with tabs runs only the open one; it is measured with each tab open: " + ", ".join(tabs))
    lines.append(f"peak memory of the app process (AppTest, all pages): {pages['peak_mb']:,.0f} MB"
                 + _flag(pages["peak_mb"], memory_t) + f"; raw SQL process: {raw['peak_mb']:,.0f} MB")
    lines += ["",
              "Overview session figures per filter change (this period + previous + monthly chart):",
              f"{'':<24} {'time ms':>9} {'peak MB':>9} {'ours/it':>9}",
              f"{'ours (named queries)':<24} {_ms(ours['seconds']):>9} {ours['peak_mb']:>9,.0f} {'1.0x':>9}",
              f"{'raw DuckDB (floor)':<24} {_ms(ours['raw_seconds']):>9} {'-':>9} "
              f"{ours['seconds'] / ours['raw_seconds']:>8.2f}x",
              f"{'pandas (in memory)':<24} {_ms(pandas['seconds']):>9} {pandas['peak_mb']:>9,.0f} "
              f"{ours['seconds'] / pandas['seconds']:>8.2f}x   (+ {pandas['load_s']:.1f} s to load the tables once)"]
    speedup = pandas["seconds"] / ours["seconds"]
    target = f" (target >= {PANDAS_TARGET[1]:.0f}x:{_flag(-speedup, -PANDAS_TARGET[1])})" if size == PANDAS_TARGET[0] else ""
    lines.append(f"ours is {speedup:,.1f}x faster than pandas{target}")
    if monthly:
        lines += ["", f"monthly import ({monthly['rows']:,} new sessions of {monthly['of']:,}, into the database "
                      f"of the others): {monthly['seconds']:.1f} s" + _flag(monthly["seconds"], MONTHLY_TARGET)
                  + f", peak memory {monthly['peak_mb']:,.0f} MB" + ("" if monthly["ok"] else "  (REFUSED)")]
    if ours["check"] != pandas["check"]:
        lines.append(f"! pandas and SQL disagree: {ours['check']} vs {pandas['check']}")
    return "\n".join(lines)


def cli(args) -> int:
    sizes = [int(s.replace("_", "")) for s in str(args.sessions).split(",") if s.strip()]
    runs = max(1, int(args.runs))
    own_dir = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="psynam-bench-")) if own_dir else Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"bench: sizes {', '.join(f'{n:,}' for n in sizes)}; {runs} runs; {os.cpu_count()} cores; work in {workdir}",
          flush=True)
    try:
        for size in sizes:
            n_runs = runs if size < 5_000_000 else min(runs, 3)  # keep 10 M within the hour
            export, db_path = workdir / f"sample_{size}.zip", workdir / f"bench_{size}.duckdb"
            gen = ({"seconds": 0.0, "peak_mb": 0.0} if export.exists()
                   else in_child(measure_generate, str(export), size))
            for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
                stale.unlink(missing_ok=True)
            try:
                imp = in_child(measure_import, str(export), str(db_path))
            except Exception as exc:  # an import that fails (memory, disk) is reported, the other sizes still run
                print(f"  {size:,}: the import failed: {type(exc).__name__}: {str(exc)[:300]}", flush=True)
                continue
            if not imp["ok"]:
                print(f"  {size:,}: the import was refused ({imp['seconds']:.1f} s); skipping this size:\n{imp['report']}",
                      flush=True)
                continue
            print(f"  {size:,}: generated and imported; measuring pages...", flush=True)
            pages = in_child(measure_pages, str(db_path), n_runs)
            calls = {k: r.get("calls", []) for k, r in pages["pages"].items()}
            raw = in_child(measure_raw, str(db_path), calls, n_runs)
            ours = in_child(measure_overview_ours, str(db_path), n_runs)
            pandas = in_child(measure_overview_pandas, str(db_path), n_runs)
            monthly = None
            if not args.no_monthly:
                base, month = workdir / f"base_{size}.zip", workdir / f"month_{size}.zip"
                split = split_export(str(export), str(base), str(month))
                month_db = workdir / f"monthly_{size}.duckdb"
                month_db.unlink(missing_ok=True)
                if in_child(measure_import, str(base), str(month_db))["ok"]:
                    monthly = {**split, **in_child(measure_import, str(month), str(month_db))}
                for leftover in (base, month, month_db, *month_db.parent.glob(month_db.name + ".*")):
                    if leftover.is_dir():
                        shutil.rmtree(leftover, ignore_errors=True)
                    else:
                        leftover.unlink(missing_ok=True)
            print(report(size, gen, imp, pages, raw, ours, pandas, n_runs, monthly), flush=True)
            print(f"(load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores:"
                  " other work on the machine inflates every time above)", flush=True)
            if own_dir:  # 10 M sessions take gigabytes: free them before the next size
                export.unlink(missing_ok=True)
                db_path.unlink(missing_ok=True)
    finally:
        if own_dir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0
