"""Files that leave the app: CSV/XLSX formats, formula neutralisation, suppression, images."""

import csv
import io
from datetime import date

import openpyxl
import plotly.graph_objects as go
import polars as pl
import pytest

from psynam import export, privacy

COLUMNS = [export.Column("commune", "Commune"), export.Column("patients", "Patients", "int"),
           export.Column("reach", "Patients pour 1 000 habitants", "decimal"),
           export.Column("spent", "Dépensé", "eur"), export.Column("day", "Date", "date")]
SPEC = privacy.Spec(dimensions=("commune",), counts=("patients",), rates={"reach": ("patients",)})
FRAME = pl.DataFrame({
    "commune": ["Namur", "=HYPERLINK(\"http://x\";\"clic\")", "Éghezée", "@SUM(A1)"],
    "patients": [120, 3, 40, 0],
    "reach": [1.0769, 0.5, 2.8, 0.0],
    "spent": [1234.5, 83.0, 0.0, 10.0],
    "day": [date(2024, 12, 31)] * 4,
})


def test_csv_is_belgian_and_suppressed():
    data = export.to_csv(privacy.suppress(FRAME, SPEC), COLUMNS)
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Commune", "Patients", "Patients pour 1 000 habitants", "Dépensé", "Date"]
    assert rows[1] == ["Namur", "120", "1,1", "1234,50", "31/12/2024"]
    assert rows[2][1:3] == ["< 5", "masqué"]          # primary cell and its derived rate
    assert rows[3][1:3] == ["masqué", "masqué"]       # complementary: the smallest other positive count
    assert rows[4][1] == "0"                          # a zero is no small count


def test_formula_like_text_stays_text():
    data = export.to_csv(privacy.suppress(FRAME, SPEC), COLUMNS).decode("utf-8")
    assert "'=HYPERLINK" in data and "'@SUM(A1)" in data
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx([("Communes", privacy.suppress(FRAME, SPEC), COLUMNS)],
                                                            [("Définition", "test")])))
    sheet = book["Communes"]
    assert sheet["A3"].data_type == "s" and sheet["A3"].value.startswith("=HYPERLINK")
    assert sheet["B3"].value == "< 5" and sheet["B2"].value == 120
    assert sheet["E2"].number_format == "dd/mm/yyyy"
    assert book.sheetnames == ["Communes", "Définitions"]


def test_file_stem_is_meaningful_and_portable():
    assert export.file_stem("Séances par mois et par réseau", date(2025, 11, 1), date(2026, 10, 31)) == \
        "psynam_seances-par-mois-et-par-reseau_2025-11-01_2026-10-31"


@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG"), ("svg", b"<svg")])
def test_chart_images(fmt, magic):
    fig = go.Figure(go.Bar(x=["Namur", "Dinant"], y=[10, None]))
    data = export.image(fig, fmt)
    assert data[:200].lstrip().startswith(magic) or magic in data[:400]
