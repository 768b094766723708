"""The report page (three downloads built on click) and the export pack (ZIP of the view's charts)."""

import io
import zipfile
from datetime import date

import openpyxl

from psynam import pack


def test_report_page_offers_three_formats(app):
    app.switch_page("pages/report.py").run()
    assert not app.exception
    assert app.title[0].value == "Rapport du comité"
    for key in ("report_html", "report_pdf", "report_xlsx"):
        assert any(b.proto.id.endswith(key) for b in app.get("download_button"))


def test_export_pack_holds_every_chart_of_the_view(app):
    app.date_input(key="periode").set_value((date(2024, 1, 1), date(2024, 12, 31))).run()
    assert any(b.proto.id.endswith("export_pack") for b in app.sidebar.get("download_button"))
    records = app.session_state["_charts_this_run"]
    filters = app.session_state["filters"]
    assert records, "the overview draws at least one chart"
    data = pack.build_zip(records, filters, "Du 01/01/2024 au 31/12/2024", "31/12/2024", [("Filtres", "test")])
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    stem = "psynam_seances-par-mois-et-par-reseau_2024-01-01_2024-12-31"
    assert f"{stem}.png" in names and f"{stem}.svg" in names and "README.txt" in names
    readme = archive.read("README.txt").decode("utf-8")
    assert "< 5" in readme and "Statbel" in readme and "Du 01/01/2024 au 31/12/2024" in readme
    book = openpyxl.load_workbook(io.BytesIO(archive.read(next(n for n in names if n.endswith(".xlsx")))))
    assert book.sheetnames[-1] == "Définitions"
    sheet = book[book.sheetnames[0]]
    counts = {sheet.cell(r, 3).value for r in range(2, sheet.max_row + 1)}
    assert counts <= {"< 5", "masqué"}  # every monthly count of the tiny fixture is 1 or 2
