"""The real login flow in Chromium: Streamlit's st.login against a real OpenID Connect provider on loopback
(oidc-provider), as each role — exact or suppressed figures, the import page present or refused, logout —
plus the safe default: without a login, a request through a proxy gets a French refusal and no figure."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from urllib.parse import urlencode

import duckdb
import pytest

from psynam import ROOT, audit, labels, metrics
from psynam.filters import Filters
from tests.e2e.auth_provider import sign_in, sign_out
from tests.e2e.conftest import PSEUDONYM, page_text, settle

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def auth_server(oidc, auth_ports, e2e_db, tmp_path_factory):
    """The app with login configured, served by `streamlit run` on loopback."""
    folder = tmp_path_factory.mktemp("auth-server")
    secrets = oidc.secrets(auth_ports["app"], folder)
    port = auth_ports["app"]
    log = folder / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--secrets.files", str(secrets)],
            cwd=ROOT, env=dict(os.environ, PSYNAM_DB=str(e2e_db)), stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=15)


@pytest.fixture(scope="session")
def small_view(e2e_db) -> tuple[str, int]:
    """A link to a view whose session count is a small count (1 to 4), and that count, from the queries: a
    single day and one network (a public screen honours the period and the network only)."""
    con = duckdb.connect(str(e2e_db), read_only=True)
    try:
        day, network = con.execute("""
            select session_date, network from stg_sessions
            group by all having count(*) between 1 and 4 order by session_date desc, network limit 1""").fetchall()[0]
        count = metrics.activity(metrics.runner(con), Filters(day, day, networks=(network,)))["sessions"]
    finally:
        con.close()
    assert 1 <= count <= 4
    return f"?{urlencode([('periode', day.isoformat()), ('periode', day.isoformat()), ('reseau', labels.NETWORKS[network])])}", count


def sessions_card(page) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text="Séances").first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def nav_titles(page) -> list[str]:
    return [t.strip().splitlines()[-1] for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


@pytest.fixture
def fresh(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-BE")
    context.set_default_timeout(90_000)
    yield context.new_page()
    context.close()


def test_login_page_shows_no_figure(auth_server, fresh, small_view):
    fresh.goto(f"{auth_server}/{small_view[0]}&public=false")
    settle(fresh)
    text = page_text(fresh)
    assert "Se connecter" in text and "compte professionnel" in text
    assert not fresh.locator('[data-testid="stMetric"]').count()
    assert not fresh.locator('[data-testid="stSidebarNav"]').count()


def test_coordinator_sees_exact_figures_and_imports_then_logs_out(auth_server, fresh, small_view, e2e_db):
    link, count = small_view
    sign_in(fresh, auth_server, "coord", link)
    assert "Connecté : Camille Coordination (coordinateur)" in page_text(fresh)
    assert sessions_card(fresh) == str(count)
    assert "Importer un export" in nav_titles(fresh) and "Journal d'accès" in nav_titles(fresh)
    fresh.goto(f"{auth_server}/imports")
    settle(fresh)
    assert fresh.locator('[data-testid="stFileUploader"]').count() == 1
    fresh.goto(f"{auth_server}/journal")
    settle(fresh)
    assert "Journal d'accès" in page_text(fresh)
    sign_out(fresh, auth_server)
    assert fresh.get_by_role("button", name="Se connecter").count() == 1
    assert not fresh.locator('[data-testid="stMetric"]').count()
    logins = audit.events(date(2000, 1, 1), date(2100, 1, 1), ["login", "logout"], db=e2e_db)
    mine = logins.filter(logins["who"] == "coord@psynam.test")
    assert set(mine["event"]) == {"login", "logout"} and set(mine["role"]) == {"coordinateur"}
    assert not any(PSEUDONYM.search(str(v)) for row in logins.rows() for v in row)


@pytest.mark.parametrize("login, role", [("rep", "représentant de réseau"), ("comite", "comité de pilotage")])
def test_other_roles_see_suppressed_figures_and_no_import(auth_server, fresh, small_view, login, role):
    link, _count = small_view
    sign_in(fresh, auth_server, login, link + "&public=false")
    text = page_text(fresh)
    assert f"({role})" in text and "Chiffres protégés" in text
    assert sessions_card(fresh) == "< 5"
    assert "Importer un export" not in nav_titles(fresh) and "Journal d'accès" not in nav_titles(fresh)
    assert not fresh.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"], '
                             '[data-testid="stSidebar"] label:has-text("Mode public")').count()
    downloads = fresh.locator('[data-testid="stDownloadButton"]').count()
    assert (downloads > 0) if login == "rep" else (downloads == 0)
    for path in ("imports", "journal"):  # typed by hand: the page is not registered for this role
        fresh.goto(f"{auth_server}/{path}")
        settle(fresh)
        assert not fresh.locator('[data-testid="stFileUploader"]').count()
        assert "Journal d'accès" not in fresh.locator('[data-testid="stMain"] h1').all_inner_texts()
    fresh.goto(auth_server)  # away from Streamlit's "page not found" notice
    settle(fresh)
    sign_out(fresh, auth_server)
    assert fresh.get_by_role("button", name="Se connecter").count() == 1


def test_a_user_without_role_is_refused(auth_server, fresh):
    sign_in(fresh, auth_server, "stranger")
    assert "n'a pas de rôle" in page_text(fresh)
    assert not fresh.locator('[data-testid="stMetric"]').count()


def test_without_login_a_proxied_request_is_refused(server, browser):
    """No login configured: the laptop's coordinator on loopback, but nobody through a proxy. A proxy forwards
    the name it was reached by (Host) and the client's address (X-Forwarded-For); Chromium 150 no longer sends
    extra headers on the WebSocket upgrade, where Streamlit reads them, so the browser reaches the loopback
    server by a public name, as through a proxy, and sends the forwarded address for browsers that do."""
    from tests.e2e.conftest import CHROMIUM
    port = urllib.parse.urlparse(server).port
    proxied = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP psynam.example 127.0.0.1"])
    context = proxied.new_context(locale="fr-BE", extra_http_headers={"X-Forwarded-For": "203.0.113.7"})
    page = context.new_page()
    try:
        page.goto(f"http://psynam.example:{port}/")
        settle(page)
        text = page_text(page)
        assert "n'est pas servi" in text and "aucune connexion n'est configurée" in text
        assert not page.locator('[data-testid="stMetric"]').count()
    finally:
        context.close()
        proxied.close()
