"""AppTest of the Partners page on the tiny fixture database (figures worked out in
tests/queries/test_partners.py), and the page's pure chart builders."""

import io
import json
from datetime import date

import openpyxl
import polars as pl
import pytest

from psynam import reference
from psynam.privacy import Published
from psynam.charts import partners as charts
from psynam.labels.partners import TEXT
from tests.pages.conftest import download, read_csv

PAGE = "pages/partners.py"


@pytest.fixture
def page(app):
    app.switch_page(PAGE).run()
    app.date_input(key="periode").set_value((date(2024, 1, 1), date(2024, 12, 31))).run()
    assert not app.exception
    return app


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at) -> pl.DataFrame:
    return pl.from_pandas(at.dataframe[0].value)


def test_page_shows_the_definitions_figures(page):
    shown = metrics(page)
    assert shown["Partenaires inscrits"] == "5"
    assert shown["Partenaires actifs"] == "4"
    assert shown["Partenaires sans activité"] == "1"
    assert shown["Nouveaux partenaires"] == "2"
    assert shown["Partenaires sortis"] == "1"
    assert shown["Partenaires hors soins"] == "80,0\u00a0%"
    assert shown["Partenaires effectifs"] == "40,0\u00a0%"
    assert shown["Conventions tripartites en cours"] == "1"
    assert shown["Heures convenues par mois"] == "8,0"
    captions = " ".join(c.value for c in page.caption)
    assert "68 %" in captions and "47 %" in captions  # the published RSN figures, as text
    assert TEXT["scope"] in captions
    assert len(page.get("plotly_chart")) == 10


def test_search_box_filters_the_table(page):
    assert sorted(table(page)["partner_id"]) == ["PA1", "PA2", "PA3", "PA5", "PA6"]
    page.text_input(key="partners_search").set_value("CRÈCHE").run()
    assert not page.exception
    assert table(page)["name"].to_list() == ["Crèche Les Lutins"]
    page.text_input(key="partners_search").set_value("dinant").run()
    assert sorted(table(page)["partner_id"]) == ["PA2", "PA6"]
    page.text_input(key="partners_search").set_value("=HYPERLINK(").run()
    assert table(page)["partner_id"].to_list() == ["PA5"]


def test_inactive_toggle_lists_the_partners_without_activity(page):
    page.toggle(key="partners_inactive_only").set_value(True).run()
    assert table(page)["partner_id"].to_list() == ["PA5"]


def test_network_filter_changes_the_registered_count(page):
    page.multiselect(key="reseau").set_value(["RSN"]).run()
    assert not page.exception
    assert metrics(page)["Partenaires inscrits"] == "3"  # PA1, PA2, PA6
    assert sorted(table(page)["partner_id"]) == ["PA1", "PA2", "PA6"]


def test_activity_filters_do_not_apply_and_the_page_says_so(page):
    page.multiselect(key="format").set_value(["groupe"]).run()
    assert any(TEXT["activity_filters_ignored"] == w.value for w in page.warning)
    assert metrics(page)["Partenaires inscrits"] == "5"


def test_empty_period_shows_the_message(page):
    # January 2022 in the Philippeville arrondissement: PA3 joins only in 2024
    page.date_input(key="periode").set_value((date(2022, 1, 1), date(2022, 1, 31))).run()
    page.multiselect(key="arrondissement").set_value(["Philippeville"]).run()
    assert not page.exception
    assert any(i.value == TEXT["no_partners"] for i in page.info)
    assert not page.metric and not page.get("plotly_chart")


def test_monthly_download_holds_what_the_chart_shows(page, downloads):
    rows = read_csv(download(page, downloads, "partners_by_month_csv"))
    assert list(rows[0]) == ["Mois", "Inscrits", "Actifs", "Sans activité", "Nouveaux", "Sortis"]
    assert [r["Mois"] for r in rows] == [f"{m:02d}/2024" for m in range(1, 13)]
    # partner counts are counts of organisations: exact, not suppressed
    assert [int(r["Inscrits"]) for r in rows] == [3, 3, 4, 4, 4, 5, 5, 5, 5, 5, 5, 4]
    chart = page.get("plotly_chart")[0]
    assert '"y":[3,3,4,4,4,5,5,5,5,5,5,4]' in chart.proto.spec.replace(" ", "")


def test_activity_download_suppresses_session_counts(page, downloads):
    """Top partners 2024: PA3 (S06 + CV2), PA2 (S03), PA6 (ACT1). Sessions and clairvisions of 1 leave
    the screen as '< 5'; network activities are not counts of people or sessions."""
    rows = read_csv(download(page, downloads, "activity_by_partner_csv"))
    assert list(rows[0]) == ["Identifiant", "Nom", "Secteur", "Commune", "Séances", "Clairvisions",
                             "Activités du réseau"]
    got = {r["Identifiant"]: (r["Séances"], r["Clairvisions"], r["Activités du réseau"]) for r in rows}
    assert got == {"PA3": ("< 5", "< 5", "0"), "PA2": ("< 5", "0", "0"), "PA6": ("0", "0", "1")}
    assert got.keys() == {"PA3", "PA2", "PA6"}


def test_table_downloads_are_suppressed_and_neutralise_names(page, downloads):
    rows = read_csv(download(page, downloads, "partners_table_csv"))
    names = {r["Identifiant"]: r["Nom"] for r in rows}
    assert names["PA5"] == "'=HYPERLINK(\"http://x\";\"École\")"  # never a formula
    assert names["PA6"] == "AMO <b>Jeunes</b>"                    # text as it is
    sessions = {r["Identifiant"]: r["Séances"] for r in rows}
    assert sessions == {"PA1": "0", "PA2": "< 5", "PA3": "< 5", "PA5": "0", "PA6": "0"}
    assert {r["Identifiant"]: r["Depuis le"] for r in rows}["PA3"] == "01/03/2024"
    book = openpyxl.load_workbook(io.BytesIO(download(page, downloads, "partners_table_xlsx")))
    assert book.sheetnames[-1] == "Définitions"
    sheet = book[book.sheetnames[0]]
    header = [c.value for c in sheet[1]]
    cells = {sheet.cell(r, 1).value: sheet.cell(r, header.index("Nom") + 1) for r in range(2, sheet.max_row + 1)}
    assert cells["PA5"].value.startswith("=HYPERLINK") and cells["PA5"].data_type == "s"
    # the search also narrows what is downloaded
    page.text_input(key="partners_search").set_value("lutins").run()
    rows = read_csv(download(page, downloads, "partners_table_csv"))
    assert [r["Identifiant"] for r in rows] == ["PA3"]


def test_public_mode_hides_small_session_counts_in_the_table(page):
    page.toggle(key="public").set_value(True).run()
    assert not page.exception
    shown = dict(zip(table(page)["partner_id"], table(page)["sessions"]))
    assert shown["PA2"] == "< 5" and shown["PA1"] == "0"
    # the activity chart draws no bar for them: their marks follow the bars instead
    spec = next(c for c in page.get("plotly_chart") if c.proto.id.endswith("activity_by_partner")).proto.spec
    drawn = json.loads(spec)["data"]
    assert [t.strip() for t in drawn[-1]["text"] if t] == ["Séances < 5", "Séances < 5 · Clairvisions < 5"]
    assert drawn[0]["x"] == [None, None, 0]  # PA2, PA3, PA6 from the bottom: no bar for a hidden count
    captions = " ".join(c.value for c in page.caption)
    assert "« < 5 »" in captions  # what the marks mean, under the chart and the table


# ---- the pure builders ----------------------------------------------------------------------------

EMPTY_MONTHS = pl.DataFrame(schema={"month": pl.Date, "registered_partners": pl.Int64})


@pytest.mark.parametrize("build", [
    lambda: charts.partners_over_time(Published(EMPTY_MONTHS, {}), reference.frame("ref_milestones")),
    lambda: charts.activity_by_partner(Published(pl.DataFrame(), {})),
    lambda: charts.partners_over_time(EMPTY_MONTHS, reference.frame("ref_milestones")),
    lambda: charts.agreements_over_time(EMPTY_MONTHS, reference.frame("ref_milestones")),
    lambda: charts.by_group(pl.DataFrame()),
    lambda: charts.by_commune(pl.DataFrame()),
    lambda: charts.by_group(pl.DataFrame(), rate="partners_per_10000"),
    lambda: charts.agreements_by_sector(pl.DataFrame()),
    lambda: charts.activity_by_partner(pl.DataFrame()),
])
def test_empty_frames_give_the_no_data_figure(build):
    fig = build()
    assert not fig.data and fig.layout.annotations


def test_names_reach_plotly_as_text():
    frame = pl.DataFrame({"partner_id": ["PA6", "PA5"], "name": ["AMO <b>Jeunes</b>", "<a href='x'>y</a>"],
                          "sessions": [3, 1], "clairvisions": [0, 0], "activities_attended": [1, 0]})
    fig = charts.activity_by_partner(frame)
    assert list(fig.layout.yaxis.ticktext) == ["&lt;a href='x'&gt;y&lt;/a&gt;", "AMO &lt;b&gt;Jeunes&lt;/b&gt;"]
    assert list(fig.layout.yaxis.tickvals) == ["PA5", "PA6"]  # ids, so that equal names never merge


def test_time_chart_marks_the_milestones_in_the_period():
    months = pl.DataFrame({"month": [date(2024, 3, 1), date(2024, 4, 1)], "registered_partners": [3, 4],
                           "active_partners": [1, 2], "new_partners": [1, 0], "ended_partners": [0, 0]})
    fig = charts.partners_over_time(months, reference.frame("ref_milestones"),
                                    period=(date(2024, 3, 1), date(2024, 4, 30)))
    assert [s.x0 for s in fig.layout.shapes] == [date(2024, 4, 1)]
    assert len(fig.data) == 4


def hidden(frame: pl.DataFrame, marks: dict) -> Published:
    """A published table: the marked cells null, as psynam.privacy leaves them."""
    nulled = frame.with_columns([pl.Series(c, [None if m else v for v, m in zip(frame[c], ms)], dtype=frame.schema[c])
                                 for c, ms in marks.items()])
    return Published(nulled, marks)


def values(fig, name: str) -> list:
    trace = next(t for t in fig.data if t.name == name)
    return list(trace.x if trace.orientation == "h" else trace.y)


def texts(fig) -> list[str]:
    written = [t for trace in fig.data if trace.type == "scatter" and trace.mode == "text" for t in trace.text if t]
    return [t.strip() for t in written] + [a.text for a in fig.layout.annotations]


def test_hidden_session_counts_are_marks_not_bars():
    """PA3's sessions and clairvisions (1 each) are `< 5`: no segment is drawn, one text says both."""
    frame = pl.DataFrame({"partner_id": ["PA3", "PA6"], "name": ["Crèche", "AMO"], "sessions": [1, 0],
                          "clairvisions": [1, 0], "activities_attended": [0, 1]})
    fig = charts.activity_by_partner(hidden(frame, {"sessions": ["< 5", None], "clairvisions": ["< 5", None]}))
    assert list(fig.layout.yaxis.tickvals) == ["PA6", "PA3"]  # the first-ranked partner on top
    assert values(fig, TEXT["sessions"]) == [0, None] and values(fig, TEXT["clairvisions"]) == [0, None]
    assert texts(fig) == ["Séances < 5 · Clairvisions < 5"]


def test_a_hidden_group_segment_and_share_are_marked():
    frame = pl.DataFrame({"group_label": ["A", "B"], "registered_partners": [6, 2], "active_partners": [4, 2],
                          "inactive_partners": [2, 0], "registered_pct": [75.0, 25.0]})
    fig = charts.by_group(hidden(frame, {"active_partners": ["< 5", None], "registered_pct": ["masqué", None]}))
    assert values(fig, TEXT["active"]) == [2, None]  # B at the bottom, A (hidden) on top
    assert texts(fig) == ["25\u00a0%", "masqué · Actifs < 5"]
    assert fig.layout.xaxis.dtick == 1  # whole ticks for small counts


def test_hidden_months_break_the_lines_and_bars_with_a_mark():
    months = pl.DataFrame({"month": [date(2024, 3, 1), date(2024, 4, 1)], "registered_partners": [3, 4],
                           "active_partners": [1, 2], "new_partners": [1, 0], "ended_partners": [0, 0]})
    fig = charts.partners_over_time(hidden(months, {"registered_partners": [None, "< 5"],
                                                    "new_partners": ["< 5", None]}),
                                    reference.frame("ref_milestones"), period=(date(2024, 3, 1), date(2024, 4, 30)))
    assert values(fig, TEXT["registered"]) == [3, None] and values(fig, TEXT["new"]) == [None, 0]
    assert "Inscrits < 5" in texts(fig) and "< 5" in texts(fig)


def test_hidden_hours_are_marked_beside_the_agreements():
    frame = pl.DataFrame({"group_label": ["CPAS", "Maison médicale"], "agreements_in_force": [1, 2],
                          "hours_per_month": [4.5, 12.0]})
    fig = charts.agreements_by_sector(hidden(frame, {"hours_per_month": ["masqué", None]}))
    assert list(fig.data[0].x) == [None, 12.0]
    assert texts(fig) == ["1 conv. · Heures convenues par mois masqué", "2 conv."]
