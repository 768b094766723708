"""Every page of app.py's PAGES list in a real browser, at 1920x1080 and at a phone width: it renders,
shows no Python traceback and no pseudonymised id, and none of its CSV or Excel downloads holds one."""

from __future__ import annotations

import io

import duckdb
import openpyxl
import pytest

from tests.e2e.conftest import PSEUDONYM, after_interaction, app_pages, page_text, settle, shoot

pytestmark = pytest.mark.e2e

PAGES = app_pages()
IDS = [key for _file, key, _path in PAGES]


def assert_clean(page, where: str) -> None:
    shown = page.locator('[data-testid="stException"]')
    assert shown.count() == 0, f"{where}: an exception is shown: {shown.first.inner_text()[:600]}"
    text = page_text(page)
    assert "Traceback (most recent call last)" not in text, f"{where}: a Python traceback is shown"
    leaked = sorted(set(PSEUDONYM.findall(text)))
    assert not leaked, f"{where}: pseudonymised ids on the page: {leaked[:5]}"


def download_keys(page) -> list[str]:
    """The keys of every CSV and Excel download button on the page (ui.chart_block: `<chart key>_csv`...)."""
    return page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-"]')]
        .flatMap(e => [...e.classList]).filter(c => c.startsWith('st-key-') && /_(csv|xlsx)$/.test(c))
        .map(c => c.slice('st-key-'.length))""")


def downloaded_text(page, key: str) -> str:
    with page.expect_download() as info:
        page.locator(f".st-key-{key} button").click()
    data = open(info.value.path(), "rb").read()
    if key.endswith("_csv"):
        return data.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)


def test_the_id_pattern_matches_the_sample_ids(e2e_db):
    """The leak detector is only as good as its pattern: every id of the served data must match it."""
    con = duckdb.connect(str(e2e_db), read_only=True)
    try:
        ids = [r[0] for r in con.sql("select distinct patient_id from sessions where patient_id is not null "
                                     "union all select distinct psychologist_id from sessions").fetchall()]
    finally:
        con.close()
    assert ids and all(PSEUDONYM.fullmatch(i) for i in ids)


@pytest.mark.parametrize(("file", "key", "path"), PAGES, ids=IDS)
def test_page_renders_clean_at_desktop_size(desktop, server, screenshots, file, key, path):
    desktop.goto(f"{server}/{path}")
    settle(desktop)
    shoot(desktop, screenshots, f"{key}_1920x1080", full=True)  # before the checks: a failure has its picture
    assert_clean(desktop, key)
    for dl in download_keys(desktop):
        if not desktop.locator(f".st-key-{dl} button").is_visible():
            continue  # in a closed tab or expander: what a person could not click either
        leaked = sorted(set(PSEUDONYM.findall(downloaded_text(desktop, dl))))
        assert not leaked, f"{key}: download {dl} holds pseudonymised ids: {leaked[:5]}"


@pytest.mark.parametrize(("file", "key", "path"), PAGES, ids=IDS)
def test_page_renders_clean_at_phone_width(phone, server, screenshots, file, key, path):
    phone.goto(f"{server}/{path}")
    settle(phone)
    shoot(phone, screenshots, f"{key}_390x844")
    assert_clean(phone, f"{key} (phone)")


def test_public_mode_link_renders_clean(desktop, server):
    """?public=true (the meeting mode) on the page with the most charts."""
    desktop.goto(f"{server}/?public=true")
    settle(desktop)
    assert_clean(desktop, "overview (public)")
    toggle = desktop.locator(".st-key-public input[type=checkbox]")
    assert toggle.is_checked()
    toggle.uncheck(force=True)
    after_interaction(desktop)
    assert "public" not in desktop.url
