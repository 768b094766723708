"""The steering-committee report: `build()` computes it (psynam/report/content.py, findings.py), `render()`
writes it as HTML, PDF or Excel (render.py); `python -m psynam report ...` runs both from the command line.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from psynam import db, metrics
from psynam.filters import Filters
from psynam.report.content import Report, build
from psynam.report.render import to_html, to_pdf, to_xlsx

FORMATS = {"html": ("text/html", "html"), "pdf": ("application/pdf", "pdf"),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}

__all__ = ["FORMATS", "Report", "build", "cli", "render", "to_html", "to_pdf", "to_xlsx"]


def render(report: Report, fmt: str) -> bytes:
    if fmt == "html":
        return to_html(report).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    raise ValueError(f"unknown report format {fmt!r} (html, pdf, xlsx)")


def cli(args) -> int:
    try:
        filters = Filters(date.fromisoformat(args.date_from), date.fromisoformat(args.date_to),
                          networks=(args.network,) if args.network else ())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.threshold is not None and args.threshold < 2:
        print("error: --threshold must be at least 2", file=sys.stderr)
        return 2
    path = db.db_path(args.db)
    if not path.exists():
        print(f"error: no database at {path} (build it with `python -m psynam build` or import an export)",
              file=sys.stderr)
        return 2
    con = db.connect(path, read_only=True)
    try:  # rendered while the connection is open: results are published (and their variants read) on use
        data = render(build(metrics.runner(con), filters, threshold=args.threshold), args.format)
    finally:
        con.close()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"{args.format} report written: {out} ({len(data):,} bytes)")
    return 0
