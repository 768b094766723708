"""The report as files: self-contained HTML (plotly.js inline, opens offline, interactive charts), PDF
(the same page with static SVG charts, printed by the system Chromium on A4 landscape) and an Excel
workbook (one sheet per chart with its suppressed data, plus a sheet of definitions)."""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

import plotly.io as pio
from plotly.offline import get_plotlyjs

from psynam import export, formatting as fmt
from psynam.labels.report import TEXT as T
from psynam.report.content import Report

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")

CSS = """
@page { size: A4 landscape; margin: 12mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "Source Sans Pro", Arial, sans-serif; color: #212529; margin: 0 auto; max-width: 1180px;
       padding: 24px; font-size: 15px; line-height: 1.45; }
h1 { font-size: 28px; margin: 0 0 4px; color: #1f5f8b; }
h2 { font-size: 22px; margin: 0 0 8px; color: #1f5f8b; border-bottom: 2px solid #1f5f8b; padding-bottom: 4px; }
h3 { font-size: 17px; margin: 14px 0 4px; }
.stamp { color: #495057; font-size: 13px; margin: 2px 0; }
.stamp b { color: #212529; }
table.kpi { border-collapse: collapse; width: 100%; margin: 10px 0; font-size: 15px; }
table.kpi th, table.kpi td { border-bottom: 1px solid #dee2e6; padding: 6px 8px; text-align: right; }
table.kpi th:first-child, table.kpi td:first-child { text-align: left; }
table.kpi th { background: #e9ecef; }
ul.findings { margin: 6px 0 10px 0; padding-left: 20px; font-size: 16px; }
ul.findings li { margin: 3px 0; }
.chart { margin: 4px 0 2px; }
.chart svg, .chart img { width: 100%; height: auto; max-height: 100mm; }
.section-stamp { color: #6c757d; font-size: 11.5px; margin: -4px 0 6px; }
.definition { color: #6c757d; font-size: 12.5px; margin: 0 0 8px; }
section { margin-top: 22px; }
footer { margin-top: 26px; border-top: 1px solid #dee2e6; padding-top: 8px; }
@media print {
  body { max-width: none; padding: 0; font-size: 13px; }
  section { break-before: page; page-break-before: always; margin-top: 0; }
  section.first { break-before: auto; page-break-before: auto; margin-top: 14px; }
  .chart-block { break-inside: avoid; page-break-inside: avoid; }
  .chart-block + .chart-block { break-before: page; page-break-before: always; }
  footer { display: none; }
}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _stamp(report: Report) -> str:
    lines = [f'<p class="stamp"><b>{_e(label)} :</b> {_e(text)}</p>' for label, text in report.notes]
    lines.append(f'<p class="stamp">{_e(compared(report))}</p>')
    lines.append(f'<p class="stamp">{_e(T["generated"].format(date=report.generated.strftime("%d/%m/%Y %H:%M")))}</p>')
    return "\n".join(lines)


def _period(filters) -> str:
    return T["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to))


def compared(report: Report) -> str:
    """The comparison periods in words."""
    if not report.comparisons:
        return T["no_comparison"]
    return " ".join(T[f"compared_{key}"].format(period=_period(f)) for key, f in report.comparisons)


def _key_table(report: Report) -> str:
    columns = report.key_figures.columns
    head = "".join(f"<th>{_e(c.header)}</th>" for c in columns)
    rows = "".join("<tr>" + "".join(f"<td>{_e(fmt.plain(row[c.name]))}</td>" for c in columns) + "</tr>"
                   for row in report.key_figures.rows())
    return f'<table class="kpi"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def static_images(report: Report) -> dict[str, str]:
    """Every chart as inline SVG, rendered in one kaleido session (one Chromium start, not one per chart)."""
    charts = report.charts
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"{c.key}.svg" for c in charts]
        pio.write_images([c.figure() for c in charts], paths, format="svg", width=1300, height=520)
        texts = [p.read_text(encoding="utf-8") for p in paths]
    return {c.key: t[t.index("<svg"):] for c, t in zip(charts, texts)}


def _chart_html(chart, images: dict[str, str] | None) -> str:
    if images is not None:
        body = images[chart.key]
    else:
        fig = chart.figure()
        body = fig.to_html(full_html=False, include_plotlyjs=False, div_id=chart.key,
                           config={"displaylogo": False, "responsive": True})
    return (f'<div class="chart-block"><h3>{_e(chart.title)}</h3><div class="chart">{body}</div>'
            f'<p class="definition">{_e(chart.definition)}</p></div>')


def to_html(report: Report, *, static: bool = False) -> str:
    """The report page. static=True draws SVG charts (for print); else plotly.js is embedded once."""
    images = static_images(report) if static else None
    stamp = (f'<p class="section-stamp">{_e(report.filters_text)} · {_e(T["data_date"])} {_e(fmt.day(report.data_date))}'
             f' · {_e(T["sources"])} : {_e(T["sources_text"])}</p>')
    parts = [f'<section class="first"><h2>{_e(T["key_figures"])}</h2>{_key_table(report)}</section>']
    for section in report.sections:
        items = "".join(f"<li>{_e(s)}</li>" for s in section.findings) or f"<li>{_e(T['no_findings'])}</li>"
        blocks = "".join(_chart_html(c, images) for c in section.charts)
        parts.append(f'<section id="{_e(section.key)}"><h2>{_e(section.title)}</h2>{stamp}'
                     f'<h3>{_e(T["findings"])}</h3><ul class="findings">{items}</ul>{blocks}</section>')
    script = "" if static else f'<script type="text/javascript">{get_plotlyjs()}</script>'
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{_e(T["title"])}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style>{script}</head>
<body><header><h1>{_e(T["title"])}</h1>{_stamp(report)}</header>
{''.join(parts)}
<footer>{_stamp(report)}</footer></body></html>"""


def chromium() -> str:
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("no Chromium found: install Debian's chromium package to print the PDF")


def to_pdf(report: Report) -> bytes:
    """Print the static page with headless Chromium (A4 landscape from the CSS, page breaks per section)."""
    with tempfile.TemporaryDirectory() as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(to_html(report, static=True), encoding="utf-8")
        profile = Path(tmp) / "profile"
        subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={out}",
                        page.as_uri()], check=True, capture_output=True, timeout=180)
        return out.read_bytes()


def to_xlsx(report: Report) -> bytes:
    sheets = [(T["key_figures"], report.key_figures.table, report.key_figures.columns)]
    sheets += [(c.title, c.published, c.columns) for c in report.charts]
    notes = list(report.notes)
    notes += [(c.title, c.definition) for c in report.charts]
    notes += [(f"{T['findings']} — {s.title}", " ".join(s.findings) or T["no_findings"]) for s in report.sections]
    return export.to_xlsx(sheets, notes)
