"""The steering-committee report from the command line, on the tiny fixture database: the HTML opens
offline, the PDF is A4 landscape with the stamps, the workbook has a sheet per chart and definitions; the
figures are the queries' and nothing published is a count from 1 to 4."""

import html
import re
from datetime import date

import openpyxl
import pypdf
import pytest

from psynam import db, metrics
from psynam.__main__ import main
from psynam.filters import Filters
from psynam.report import build

ARGS = ["report", "--from", "2024-01-01", "--to", "2024-12-31"]
COUNT_HEADERS = {"Patients", "Séances dans la province", "Séances dans le sud"}


@pytest.fixture(scope="module")
def files(tiny_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    paths = {}
    for fmt in ("html", "pdf", "xlsx"):
        paths[fmt] = out / f"rapport.{fmt}"
        assert main(ARGS + ["--db", str(tiny_db), "--format", fmt, "--out", str(paths[fmt])]) == 0
    return paths


@pytest.fixture(scope="module")
def expected(tiny_db):
    con = db.connect(tiny_db, read_only=True)
    figures = metrics.activity(metrics.runner(con), Filters(date(2024, 1, 1), date(2024, 12, 31)))
    con.close()
    return figures


def test_html_is_self_contained_and_stamped(files, expected):
    text = html.unescape(files["html"].read_text(encoding="utf-8"))
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?:", text)  # nothing fetched
    assert "Plotly.newPlot" in text  # interactive charts, plotly.js embedded
    assert "Du 01/01/2024 au 31/12/2024" in text and "Données jusqu'au" in text and "Statbel" in text
    assert f"<td>Séances</td><td>{expected['sessions']}</td>" in text  # 10 sessions (tests/queries/expected.py)
    assert "<td>Patients</td><td>5</td>" in text
    for title in ("Partenaires", "Le sud de la province", "Aînés (65 ans et plus)", "Petite enfance (0 à 2 ans)", "Budget"):
        assert f"<h2>{title}</h2>" in text


def test_pdf_pages_are_a4_landscape_with_the_same_figures(files, expected):
    reader = pypdf.PdfReader(files["pdf"])
    assert len(reader.pages) >= 6  # key figures, then a page per section (and per chart)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height and abs(width - 842) < 3 and abs(height - 595) < 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Du 01/01/2024 au 31/12/2024" in text and "Statbel" in text and "Données jusqu'au" in text
    assert re.search(rf"Séances\s+{expected['sessions']}\s", text)
    assert "< 5" in text  # small counts marked, never shown
    assert re.search(r"Psychologues actifs\s+< 5", text)  # 4 active psychologists in 2024


def test_workbook_has_a_sheet_per_chart_and_definitions(files, expected, tiny_db):
    book = openpyxl.load_workbook(files["xlsx"])
    assert book.sheetnames[0] == "Chiffres clés" and book.sheetnames[-1] == "Définitions"
    con = db.connect(tiny_db, read_only=True)
    report = build(metrics.runner(con), Filters(date(2024, 1, 1), date(2024, 12, 31)))
    con.close()
    # key figures, one sheet per chart of every section (partners, south, both priorities, universalism,
    # network life, budget), definitions
    assert len(report.sections) == 7 and all(s.charts for s in report.sections)
    assert len(book.sheetnames) == 1 + len(report.charts) + 1
    assert "Délai médian entre 1re et 2e…" in book.sheetnames and "Activités par type" in book.sheetnames
    key = {row[0].value: row[1].value for row in book["Chiffres clés"].iter_rows(min_row=2)}
    assert key["Séances"] == expected["sessions"] and key["Psychologues actifs"] == "< 5"
    # numbers are stored as numbers, under real Belgian-displayed format codes
    cells = {row[0].value: row[1] for row in book["Chiffres clés"].iter_rows(min_row=2)}
    assert cells["Séances"].data_type == "n" and cells["Séances"].number_format == "#,##0"
    budget = cells["Budget plafonné consommé"]
    assert budget.number_format == "0.0 %" and budget.value == 0.44  # 44,0 % as the card shows it, a fraction
    headers = [c.value for c in book["Chiffres clés"][1]]
    # a calendar year: its previous period is the year before, one comparison column
    assert headers[0] == "Indicateur" and "Période précédente (01/01/2023–31/12/2023)" in headers
    assert len(set(headers)) == len(headers)  # no two comparison columns alike
    for name in book.sheetnames:
        assert not name.endswith(("-", " ")) and len(name) <= 31
    notes = {row[0].value: row[1].value for row in book["Définitions"].iter_rows()}
    assert "Statbel" in notes["Sources"] and "< 5" in notes["Petits effectifs"]
    for name in book.sheetnames[1:-1]:
        sheet = book[name]
        headers = [c.value for c in sheet[1]]
        for j, header in enumerate(headers):
            if header in COUNT_HEADERS:
                for row in sheet.iter_rows(min_row=2):
                    value = row[j].value
                    assert not (isinstance(value, (int, float)) and 0 < value < 5), (name, header, value)


def test_report_follows_the_suppression_rule(tiny_db):
    con = db.connect(tiny_db, read_only=True)
    report = build(metrics.runner(con), Filters(date(2024, 1, 1), date(2024, 12, 31)))
    con.close()
    for chart in report.charts:
        for row in chart.published.rows():
            for col, value in row.items():
                if col in ("patients", "province_sessions", "south_sessions", "north_sessions"):
                    assert not (isinstance(value, int) and 0 < value < 5)
    # 4 sessions in the north beside 5 in the south: the south's share would give the 4 back
    assert report.key_figures.text("Part du sud dans les séances") == "masqué"
    every = " ".join(" ".join(s.findings) for s in report.sections)
    assert "55,6" not in every


def test_threshold_option_and_bad_input(tiny_db, tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    assert main(ARGS + ["--db", str(tiny_db), "--format", "xlsx", "--out", str(out), "--threshold", "11"]) == 0
    key = {r[0].value: r[1].value for r in openpyxl.load_workbook(out)["Chiffres clés"].iter_rows(min_row=2)}
    assert key["Séances"] == "< 11" and key["Patients"] == "< 11"  # 10 and 5 under a threshold of 11
    assert main(["report", "--from", "2024-12-31", "--to", "2024-01-01", "--db", str(tiny_db),
                 "--out", str(out)]) == 2
    assert main(ARGS + ["--db", str(tmp_path / "none.duckdb"), "--out", str(out)]) == 2


@pytest.mark.parametrize("date_from,date_to", [
    ("2024-03-17", "2024-03-17"),    # a Sunday without sessions
    ("2025-06-01", "2025-06-30"),    # a month after the data (the tiny data end on 01/01/2025)
    ("2016-01-01", "2021-08-31"),    # before the programme
])
@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
def test_the_report_command_succeeds_on_an_empty_period(tiny_db, tmp_path, date_from, date_to, fmt):
    out = tmp_path / f"rapport.{fmt}"
    assert main(["report", "--from", date_from, "--to", date_to, "--db", str(tiny_db), "--format", fmt,
                 "--out", str(out)]) == 0
    data = out.read_bytes()
    if fmt == "html":
        text = data.decode("utf-8")
        assert "Séances" in text and "Traceback" not in text
    elif fmt == "pdf":
        assert data.startswith(b"%PDF")
    else:
        assert "Chiffres clés" in openpyxl.load_workbook(out).sheetnames
