"""What people do in the browser: change a filter and see a KPI change, reopen a copied link and get the
same view, click a commune on the south page's map, download a chart's data as CSV and Excel."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest

from tests.e2e.conftest import PSEUDONYM, after_interaction, app_pages, settle

pytestmark = pytest.mark.e2e

URLS = {key: path for _file, key, path in app_pages()}
CHART = "overview_sessions_by_month"


def open_page(page, server, key: str, query: str = "") -> None:
    if key not in URLS:
        pytest.skip(f"no page {key!r} in app.py's PAGES")
    page.goto(f"{server}/{URLS[key]}{query}")
    settle(page)


def require(page, selector: str, why: str) -> None:
    """Skip (not fail) when a page still lacks what a test drives: the page is a placeholder or has not
    landed its part yet."""
    if page.locator(selector).count() == 0:
        pytest.skip(why)


def kpis(page) -> dict[str, str]:
    cards = page.locator('[data-testid="stMetric"]')
    return {cards.nth(i).locator('[data-testid="stMetricLabel"]').inner_text().strip():
            cards.nth(i).locator('[data-testid="stMetricValue"]').inner_text().strip()
            for i in range(cards.count())}


def pick(page, widget_key: str, option: str) -> None:
    """Choose one option of a multiselect (react-aria combobox) by its visible label."""
    page.locator(f".st-key-{widget_key}").get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    after_interaction(page)


def number(text: str) -> int:
    return int(text.replace("\u202f", "").replace("\u00a0", "").replace(" ", ""))


def test_a_filter_changes_the_kpis_and_the_link(desktop, server):
    open_page(desktop, server, "overview")
    before = kpis(desktop)
    assert before.get("Séances"), "the overview shows no sessions KPI"
    pick(desktop, "reseau", "RSN (adultes)")
    after = kpis(desktop)
    assert number(after["Séances"]) < number(before["Séances"])
    assert after["Patients"] != before["Patients"]
    assert "reseau" in parse_qs(urlparse(desktop.url).query), "the filter is not written into the link"


def test_a_copied_link_reopens_the_same_view(desktop, browser, server):
    open_page(desktop, server, "overview")
    pick(desktop, "reseau", "RSK (enfants et adolescents)")
    pick(desktop, "arrondissement", "Dinant")
    link, shown = desktop.url, kpis(desktop)
    other = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        fresh = other.new_page()
        fresh.goto(link)
        settle(fresh)
        assert kpis(fresh) == shown
        assert "Dinant" in fresh.locator(".st-key-arrondissement").inner_text()
        # The same filters on another page (the lightest one): the filter bar reads them from the link.
        if "glossary" in URLS:
            fresh.goto(f"{server}/{URLS['glossary']}?{urlparse(link).query}")
            settle(fresh)
            assert "Dinant" in fresh.locator(".st-key-arrondissement").inner_text()
    finally:
        other.close()


def test_csv_and_excel_downloads_hold_the_charts_figures(desktop, server):
    open_page(desktop, server, "overview")
    require(desktop, f".st-key-{CHART}_csv", "the overview has no monthly chart download yet")
    sessions = number(kpis(desktop)["Séances"])

    with desktop.expect_download() as info:
        desktop.locator(f".st-key-{CHART}_csv button").click()
    download = info.value
    assert download.suggested_filename.startswith("psynam_") and download.suggested_filename.endswith(".csv")
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV without the BOM Excel needs for accents"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows and {"Mois", "Réseau", "Séances"} <= set(rows[0])
    assert sum(int(r["Séances"]) for r in rows) == sessions  # the chart's months add up to the KPI
    assert not PSEUDONYM.search(raw.decode("utf-8-sig"))

    with desktop.expect_download() as info:
        desktop.locator(f".st-key-{CHART}_xlsx button").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()), read_only=True)
    assert book.sheetnames[-1] == "Définitions"
    data = list(book.worksheets[0].iter_rows(values_only=True))
    header = list(data[0])
    assert sum(int(r[header.index("Séances")]) for r in data[1:]) == sessions
    notes = {r[0]: r[1] for r in book["Définitions"].iter_rows(values_only=True)}
    # the filters in words: the period, and the filters left unset said as such ("tous réseaux")
    assert notes["Filtres"].startswith("Du ") and "réseau" in notes["Filtres"].lower() and "Données jusqu'au" in notes


def test_a_click_on_a_commune_of_the_map_focuses_the_south_page(desktop, server):
    open_page(desktop, server, "south")
    require(desktop, ".st-key-south_map", "the south page has no map (key south_map) yet")
    require(desktop, ".st-key-south_indicator", "the south page has no indicator control (key south_indicator) yet")

    # The indicator control is in the link and retitles the map.
    title_before = desktop.locator(".st-key-south_map").locator("xpath=preceding::h3[1]").inner_text()
    desktop.locator(".st-key-south_indicator button").nth(2).click()
    after_interaction(desktop)
    assert "south_indicator" in parse_qs(urlparse(desktop.url).query)
    assert desktop.locator(".st-key-south_map").locator("xpath=preceding::h3[1]").inner_text() != title_before

    # Tile map: an invisible square marker per commune carries the click; a boundary map has paths.
    points = desktop.locator(".st-key-south_map .scatterlayer .trace .points path")
    if points.count() == 0:
        points = desktop.locator(".st-key-south_map .choroplethlocation")
    if points.count() == 0:
        pytest.skip("the south map has no clickable commune")
    headings_before = desktop.locator("h3").all_inner_texts()
    box = points.nth(points.count() // 2).bounding_box()
    desktop.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    after_interaction(desktop)
    headings = desktop.locator("h3").all_inner_texts()
    assert headings != headings_before, "clicking a commune changed nothing"
    assert desktop.locator(".st-key-south_reset").count() == 1, "no focus on the clicked commune"
    assert desktop.locator(".st-key-south_commune_by_month").count() == 1, "no monthly chart of the commune"
    desktop.locator(".st-key-south_reset button").click()
    after_interaction(desktop)
    assert desktop.locator(".st-key-south_reset").count() == 0


def period_caption(page) -> str:
    return next(line for line in page.evaluate("() => document.body.innerText").splitlines()
                if line.startswith("Du "))


def test_a_single_day_picked_in_the_picker_reopens_from_its_link(desktop, browser, server):
    """Both fields of the picker set to 16/05/2025 write `?periode=2025-05-16&periode=2025-05-16`;
    Streamlit keeps one of two equal values, so the reopened link says `?periode=2025-05-16`: the same
    day, not 16/05/2025 to the last data day (issue 11)."""
    open_page(desktop, server, "overview", "?periode=2025-01-01&periode=2025-12-31")
    for i in range(2):  # a field commits its value when it loses focus
        field = desktop.locator(".st-key-periode input").nth(i)
        field.click(force=True)
        field.fill("2025-05-16")
        desktop.keyboard.press("Enter")
        desktop.locator("h1").first.click()
        after_interaction(desktop)
    assert parse_qs(urlparse(desktop.url).query)["periode"] == ["2025-05-16", "2025-05-16"]
    assert period_caption(desktop).startswith("Du 16/05/2025 au 16/05/2025")
    shown = kpis(desktop)
    fresh = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    try:
        fresh.goto(desktop.url)
        settle(fresh)
        assert period_caption(fresh).startswith("Du 16/05/2025 au 16/05/2025")
        assert kpis(fresh) == shown
    finally:
        fresh.context.close()


@pytest.mark.parametrize("query,caption,notice", [
    ("?periode=2025-12-31&periode=2025-01-01", "Du 01/01/2025 au 31/12/2025", "inversées"),
    ("?periode=2016-01-01&periode=2021-12-31", "Du 01/01/2016 au 31/12/2021", "avant le début du programme"),
    ("?periode=2026-11-01&periode=2027-03-31", "Du 01/11/2026 au 31/03/2027", "dans le futur"),
    ("?periode=2025-02-30&periode=2025-03-01", "Du ", "date impossible"),
])
def test_a_link_outside_the_picker_opens_as_asked_with_a_notice(desktop, server, query, caption, notice):
    open_page(desktop, server, "overview", query)
    text = desktop.evaluate("() => document.body.innerText")
    assert "Traceback" not in text and "Error" not in text
    assert period_caption(desktop).startswith(caption)
    assert notice in " ".join(a.inner_text() for a in desktop.locator('[data-testid="stAlert"]').all())


def test_the_comparison_choice_is_written_into_the_link_and_follows_the_pages(desktop, server):
    open_page(desktop, server, "overview", "?periode=2025-01-01&periode=2025-12-31")
    desktop.locator(".st-key-comparaison label").filter(has_text="Un an avant").click()
    after_interaction(desktop)
    assert parse_qs(urlparse(desktop.url).query)["comparaison"] == ["Un an avant"]
    if "glossary" in URLS:
        desktop.get_by_role("link", name="Glossaire").first.click()
        after_interaction(desktop)
        query = parse_qs(urlparse(desktop.url).query)
        assert query["comparaison"] == ["Un an avant"] and query["periode"] == ["2025-01-01", "2025-12-31"]


def test_a_tab_runs_when_opened_and_stays_open_through_a_filter_change(desktop, server):
    """The universalism page runs only its open tab (blocks.tabbed): a click on another tab reruns the page
    and draws that tab's figures; a filter change keeps it open."""
    open_page(desktop, server, "access")
    assert "Patients BIM" in kpis(desktop) and "Nouveaux patients" not in kpis(desktop)
    desktop.get_by_role("tab", name="Parcours").click()
    after_interaction(desktop)
    shown = kpis(desktop)
    assert "Nouveaux patients" in shown and "Patients BIM" not in shown
    before = number(shown["Nouveaux patients"])
    pick(desktop, "reseau", "RSK (enfants et adolescents)")
    after = kpis(desktop)
    assert desktop.get_by_role("tab", name="Parcours").get_attribute("aria-selected") == "true"
    assert "Nouveaux patients" in after and number(after["Nouveaux patients"]) < before
