"""Writes the corpus of messy and broken export files (tests/ingest/corpus/*), deterministically.

    .venv/bin/python -m tests.ingest.corpus.make_corpus

The files are committed; this script says how each was made (encodings, workbooks, archives cannot be
written by hand). What each one tests and what the importer must do with it: README.md and
tests/ingest/test_corpus.py.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter

HERE = Path(__file__).parent
COLUMNS = ["session_id", "session_date", "network", "psychologist_id", "care_level", "format", "setting",
           "patient_id", "patient_age", "patient_commune", "session_commune", "partner_id", "participants",
           "preferential_tariff", "fee_inami_eur", "fee_patient_eur", "target_public"]
FRENCH = ["ID Séance", "Date séance", "Réseau", "ID psychologue", "Niveau", "Format", "Lieu", "ID patient",
          "Âge patient", "Commune patient", "Commune séance", "ID partenaire", "Participants",
          "Tarif préférentiel", "Montant INAMI", "Montant patient", "Public cible"]


def row(i: int, date: str = "06/05/2024", **kw) -> list[str]:
    values = dict(session_id=f"C{i:03d}", session_date=date, network="RSN", psychologist_id="PS01",
                  care_level="soutien", format="individuel", setting="cabinet", patient_id=f"PA{i:03d}",
                  patient_age="40", patient_commune="Namur", session_commune="92094", partner_id="",
                  participants="", preferential_tariff="non", fee_inami_eur="83,00", fee_patient_eur="11,00",
                  target_public="")
    values.update(kw)
    return [values[c] for c in COLUMNS]


def lines(rows, header=FRENCH, sep=";") -> list[str]:
    def cell(v):
        v = str(v)
        return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in (sep, '"', "\n")) else v
    return [sep.join(cell(v) for v in r) for r in [header, *rows]]


def text(name: str, body: list[str], encoding="utf-8", newline="\r\n", end=True) -> None:
    data = newline.join(body) + (newline if end else "")
    (HERE / name).write_bytes(data.encode(encoding))


def three(date_fn=lambda i: f"0{i + 5}/05/2024", **kw) -> list[list[str]]:
    return [row(i, date_fn(i), **kw) for i in range(1, 4)]


def workbook(name: str, sheets: dict, hidden=(), formulas=None, merged_title=False, two_row_header=False):
    book = xlsxwriter.Workbook(str(HERE / name))
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        r0 = 0
        if merged_title:
            sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, "Export PSYNAM — séances de mai 2024")
            r0 = 2
        if two_row_header:
            sheet.merge_range(r0, 0, r0, 6, "Séance")
            sheet.merge_range(r0, 7, r0, 10, "Patient")
            sheet.merge_range(r0, 14, r0, 15, "Montants")
            sheet.merge_range(r0, 16, r0 + 1, 16, "Public cible")   # merged over the two header rows
            header = FRENCH[:16] + [None]
            r0 += 1
        else:
            header = FRENCH
        for j, h in enumerate(header):
            if h is not None:
                sheet.write_string(r0, j, h)
        for i, values in enumerate(rows, start=r0 + 1):
            for j, v in enumerate(values):
                if isinstance(v, (int, float)):
                    sheet.write_number(i, j, v)
                elif v:
                    sheet.write_string(i, j, v)
        for (i, j), (formula, value) in (formulas or {}).get(title, {}).items():
            if value is None:
                sheet.write_formula(i, j, formula)
            else:
                sheet.write_formula(i, j, formula, None, value)
        if title in hidden:
            sheet.hide()
    book.close()


def main() -> None:
    for old in HERE.glob("*"):
        if old.suffix in (".csv", ".txt", ".tsv", ".xlsx", ".zip", ".xls"):
            old.unlink()
    # --- encodings
    text("01_utf8_semicolon.csv", lines(three()))
    text("02_utf8_bom.csv", ["\ufeff" + lines(three())[0], *lines(three())[1:]])
    text("03_windows1252.csv", lines(three(target_public="périnatalité", patient_commune="Éghezée")
                                     + [row(4, "09/05/2024", patient_commune="Fernelmont",
                                            fee_inami_eur="1 234,56 €")]), encoding="cp1252")
    p = [row(1, "06/05/2024", patient_id="PA’œ"), row(2, "07/05/2024", patient_commune="ÉGHEZÉE")]
    text("04_windows1252_quote_oe_euro.csv", lines(p), encoding="cp1252")
    text("05_utf16_excel_unicode.txt", lines(three(), sep="\t"), encoding="utf-16")
    # --- separators and numbers
    text("06_comma_separator.csv", lines(three(fee_inami_eur="83.00", fee_patient_eur="11.5"), sep=","))
    text("07_tab_separator.tsv", lines(three(), sep="\t"))
    text("08_thousands_separators.csv", lines([row(1, fee_inami_eur="1.234,56"), row(2, fee_inami_eur="1 234,56"),
                                               row(3, fee_inami_eur="1\u202f234,5"), row(4, fee_inami_eur="0,01")]))
    # --- dates
    text("09_dates_every_form.csv", lines([row(1, "31/03/2024", care_level="premiere_ligne"),
                                           row(2, "31.3.2024", care_level="premiere_ligne"),
                                           row(3, "2024-03-31", care_level="premiere_ligne"),
                                           row(4, "45382", care_level="premiere_ligne")]))
    text("10_dates_us_order.csv", lines([row(1, "05/06/2024"), row(2, "05/31/2024"), row(3, "06/01/2024")]))
    # --- layout
    text("11_title_and_notes_above.csv", ["Export PSYNAM;;;", "Généré le 01/06/2024 par le secrétariat;;", "",
                                          *lines(three())])
    body = lines(three())
    text("12_blank_lines.csv", [body[0], "", body[1], ";;;;;;;;;;;;;;;;", body[2], "", body[3], "", ""])
    text("13_total_row.csv", [*lines(three()), "Total;;;;;;;;;;;;;;249,00;33,00;"])
    workbook("14_workbook_merged_title_and_header.xlsx", {"Séances": three()}, merged_title=True,
             two_row_header=True)
    workbook("15_workbook_hidden_sheet.xlsx", {"sessions": three(), "partners": [["x"]]}, hidden=("partners",))
    workbook("16_workbook_formulas.xlsx", {"sessions": three(fee_inami_eur="")},
             formulas={"sessions": {(i, 14): ("=80+3", 83) for i in (1, 2, 3)}})
    # openpyxl writes formulas without a computed value (xlsxwriter would store 0)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "sessions"
    sheet.append(FRENCH)
    for r in three():
        sheet.append(r)
    sheet["O3"] = "=80+3"
    book.save(HERE / "17_workbook_formula_without_value.xlsx")
    workbook("18_workbook_excel_dates_and_numbers.xlsx",
             {"sessions": [row(i, date=45418 + i, fee_inami_eur=83.0, patient_age=40) for i in range(1, 4)]})
    # --- columns
    cut = [c for c in range(len(COLUMNS)) if COLUMNS[c] not in ("network", "care_level", "session_date")]
    text("19_missing_required_columns.csv", lines([[r[c] for c in cut] for r in three()], [FRENCH[c] for c in cut]))
    text("20_extra_columns.csv", lines([r + ["x", "y"] for r in three()], FRENCH + ["Remarque", "Saisi par"]))
    variants = ["  SESSION_ID ", "date_seance", "RESEAU", "Id Psychologue", "niveau", "FORMAT", "Lieu ",
                "id_patient", "AGE_PATIENT", "Commune Patient", "commune_seance", "Id_Partenaire", "participants",
                "Tarif Preferentiel", "montant_inami", "Montant Patient", "PUBLIC CIBLE"]
    text("21_header_variants.csv", lines(three(), variants))
    # --- ids and overlaps
    text("22_duplicate_ids.csv", lines([row(1), row(2), row(1, "08/05/2024")]))
    text("23_overlap_older.csv", lines([row(i, "06/05/2024") for i in (31, 32, 33)]))
    text("24_overlap_newer.csv", lines([row(31, "06/05/2024"), row(32, "06/05/2024", patient_age="41"),
                                        row(34, "10/05/2024")]))
    # --- broken
    (HERE / "25_empty.csv").write_bytes(b"")
    text("26_header_only.csv", lines([]))
    text("27_truncated_last_line.csv", [*lines(three()), ";".join(row(4)[:9])], end=False)
    text("28_unterminated_quote.csv", [*lines(three()), ";".join(row(4)).replace("Namur", '"Namur', 1)])
    (HERE / "29_binary.csv").write_bytes(bytes(range(256)) * 8)
    with zipfile.ZipFile(HERE / "30_zip_bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("sessions.csv", "\r\n".join(lines(three())) + "\r\n" + " " * (64 * 1024 * 1024))
    text("31_over_the_upload_limit.csv", lines([row(i) for i in range(1, 1500)]))
    # --- text that must stay text
    text("32_formula_and_html_text.csv", lines([
        row(1, patient_id='=HYPERLINK("http://evil.example","clic")'), row(2, patient_id="+32 81 00 00 00"),
        row(3, patient_id="-PA3"), row(4, patient_id="@SUM(A1)"),
        row(5, patient_id="<script>alert(1)</script>", target_public="<b>gras</b>")]))
    # --- more of what offices send
    with zipfile.ZipFile(HERE / "33_zip_of_exports.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export-mai/sessions.csv", "\r\n".join(lines(three())) + "\r\n")
        z.writestr("export-mai/lisez-moi.txt", "Export de mai")
        z.writestr("__MACOSX/export-mai/._sessions.csv", "junk")
    text("34_unknown_commune.csv", lines([row(1, patient_commune="Gembloox"), row(2, patient_commune="Saint-Nicolas"),
                                          row(3)]))
    (HERE / "35_xlsx_renamed_csv.csv").write_bytes((HERE / "16_workbook_formulas.xlsx").read_bytes())
    text("36_no_final_line_break.csv", lines(three()), end=False)
    text("37_amount_below_the_cent.csv", lines([row(1, fee_inami_eur="12,3456"), row(2), row(3)]))
    text("38_quoted_line_break.csv", lines([row(1, target_public="aines"), row(2), row(3)]).__add__(
        [";".join(row(4)[:16]) + ';"aines\nprecarite"']))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("sessions.csv", "x" * 1000)
    (HERE / "39_broken_zip.zip").write_bytes(broken.getvalue()[:300])


if __name__ == "__main__":
    main()
