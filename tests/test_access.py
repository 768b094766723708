"""Roles decided on the server (psynam/access.py): the role mapping from secrets.toml, the safe default,
and what each role sees and may do in the app (AppTest on the tiny fixture database, logged in through
st.user as Streamlit's OIDC login leaves it)."""

from __future__ import annotations

import time
import tomllib
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT, access
from tests.pages.conftest import download, downloads, read_csv  # noqa: F401  (downloads: a fixture)

COORD, REP, COMITE = "anne.coord@psynam.test", "rep@rsn.test", "comite@psynam.test"
SECRETS = {
    "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 48,
             "client_id": "psynam", "client_secret": "secret",
             "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"},
    "roles": {"coordinateur": {"emails": [COORD]},
              "representant": {"emails": ["@rsn.test"], "groups": ["psynam-representants"]},
              "comite": {"emails": [COMITE]}},
}


def claims(email: str, **extra) -> dict:
    return {"is_logged_in": True, "email": email, "email_verified": True, "name": email.split("@")[0],
            "iat": int(time.time()), **extra}


# ---- the mapping ------------------------------------------------------------------------------

@pytest.mark.parametrize("user, role", [
    ({"email": COORD}, "coordinateur"),
    ({"email": "Anne.Coord@PSYNAM.test"}, "coordinateur"),           # addresses compare without case
    ({"email": "someone@rsn.test"}, "representant"),                # "@domain" entry
    ({"email": COMITE}, "comite"),
    ({"email": "stranger@example.org"}, None),
    ({"email": "x@example.org", "groups": ["psynam-representants"]}, "representant"),
    ({"email": "x@example.org", "groups": "psynam-representants"}, "representant"),  # one group as a string
    ({"email": COORD, "email_verified": False}, None),              # an unverified address grants nothing
    ({"email": COMITE, "groups": ["psynam-representants"]}, "representant"),  # the most privileged wins
    ({}, None),
])
def test_role_from_email_or_group(user, role):
    assert access.role_for(access.settings_from(SECRETS), user) == role


def test_group_claim_is_configurable():
    secrets = {**SECRETS, "roles": {"group_claim": "roles", "comite": {"groups": ["Comite"]}}}
    settings = access.settings_from(secrets)
    assert access.role_for(settings, {"roles": ["Comite"]}) == "comite"
    assert access.role_for(settings, {"groups": ["Comite"]}) is None


def test_incomplete_login_configuration_is_reported_in_french():
    broken = {"auth": {"redirect_uri": "http://x/oauth2callback", "cookie_secret": "short", "client_id": "a"},
              "roles": {"chef": {"emails": ["a@b.c"]}}}
    problems = access.settings_from(broken).problems
    assert any("client_secret" in p and "server_metadata_url" in p for p in problems)
    assert any("cookie_secret" in p for p in problems)
    assert any("chef" in p and "inconnu" in p for p in problems)
    assert not access.settings_from(SECRETS).problems
    assert access.settings_from({}).login is False


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.8.0.3", True), ("localhost", True),
                                            ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("", False),
                                            (None, False), ("10.0.0.4", False), ("psynam.example.be", False)])
def test_loopback_addresses(host, loopback):
    assert access.is_loopback(host) is loopback


def test_outside_a_session_the_server_account_is_coordinator(monkeypatch):
    monkeypatch.setenv("PSYNAM_USER", "cron")
    me = access.current()
    assert me.role == "coordinateur" and me.can_write and me.name == "cron" and me.via == access.VIA_SERVER
    assert access.require("import").role == "coordinateur"


def test_secrets_example_parses_and_is_complete():
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    settings = access.settings_from(example)
    assert settings.login and settings.providers and not settings.problems
    assert set(settings.emails.values()) | set(settings.groups.values()) == set(access.ROLES)


def test_config_binds_loopback_and_matches_the_importer():
    from psynam.ingest.read import max_file_bytes

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert access.is_loopback(config["server"]["address"])
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == max_file_bytes()
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["server"].get("enableAgentApi") is False


# ---- the app, per role ---------------------------------------------------------------------------

def app_as(tiny_db, monkeypatch, user: dict | None, secrets: dict | None = SECRETS, **query) -> AppTest:
    monkeypatch.setenv("PSYNAM_DB", str(tiny_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if secrets:
        at.secrets = secrets
    at.user = user or {}
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def tiny_copy(tmp_path) -> Path:
    """A private copy of the tiny database: these tests write audit files beside it."""
    from tests.conftest import load_tiny
    path = tmp_path / "tiny.duckdb"
    load_tiny(path)
    return path


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def small_selection(at) -> None:
    at.date_input(key="periode").set_value((date(2024, 1, 1), date(2024, 12, 31))).run()
    # RSK's 4 sessions: a small count (public outputs honour the period and the network only)
    at.multiselect(key="reseau").set_value(["RSK"]).run()


def test_not_logged_in_sees_only_the_login_button(tiny_copy, monkeypatch):
    at = app_as(tiny_copy, monkeypatch, {"is_logged_in": False})
    assert [b.label for b in at.button] == ["Se connecter"]
    assert not at.metric and not at.get("plotly_chart") and not at.sidebar.multiselect
    assert not tiny_copy.with_name(tiny_copy.name + ".audit").exists()


def test_a_stale_login_must_be_renewed(tiny_copy, monkeypatch):
    at = app_as(tiny_copy, monkeypatch, claims(COORD, iat=int(time.time()) - 13 * 3600))
    assert any("reconnectez-vous" in w.value for w in at.warning)
    assert not at.metric


def test_a_user_without_role_gets_a_french_refusal(tiny_copy, monkeypatch):
    at = app_as(tiny_copy, monkeypatch, claims("stranger@example.org"))
    assert any("n'a pas de rôle" in e.value for e in at.error)
    assert not at.metric
    assert [b.label for b in at.button] == ["Se déconnecter"]


def test_coordinator_sees_exact_figures_and_every_page(tiny_copy, monkeypatch):
    at = app_as(tiny_copy, monkeypatch, claims(COORD))
    small_selection(at)
    assert metrics(at)["Séances"] == "4"
    assert at.sidebar.toggle(key="public") is not None
    at.switch_page("pages/audit.py").run()
    assert not at.exception and at.title[0].value == "Journal d'accès"
    assert any("anne.coord" in c.value and "coordinateur" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("email", [REP, COMITE])
def test_other_roles_see_small_counts_suppressed_whatever_the_link_or_state(tiny_copy, monkeypatch, email):
    at = app_as(tiny_copy, monkeypatch, claims(email), public="false")
    small_selection(at)
    assert metrics(at)["Séances"] == "< 5"
    assert not [t for t in at.sidebar.toggle if t.key == "public"]  # no switch to turn off
    at.session_state["public"] = False                              # crafted session state
    at.query_params["public"] = "false"
    at.run()
    assert metrics(at)["Séances"] == "< 5"


def test_representative_downloads_are_suppressed_and_logged(tiny_copy, monkeypatch, downloads):
    from psynam import audit

    at = app_as(tiny_copy, monkeypatch, claims(REP))
    small_selection(at)
    rows = read_csv(download(at, downloads, "overview_sessions_by_month_csv"))
    assert rows and all(r["Séances"] in ("< 5", "masqué", "") for r in rows)
    log = audit.events(date(2000, 1, 1), date(2100, 1, 1), ["download"], db=tiny_copy)
    assert log.height == 1
    row = log.row(0, named=True)
    assert row["who"] == REP and row["role"] == "representant" and row["via"] == "connexion"
    assert row["file_name"].endswith(".csv") and row["view"] == "overview_sessions_by_month"
    assert "networks=RSK" in row["filters"] and "periode=2024-01-01..2024-12-31" in row["filters"]


def test_committee_has_no_download_nor_report(tiny_copy, monkeypatch):
    at = app_as(tiny_copy, monkeypatch, claims(COMITE))
    assert not at.get("download_button")
    with pytest.raises(ValueError):  # pages the role may not use are not registered at all
        at.switch_page("pages/report.py")


@pytest.mark.parametrize("email", [REP, COMITE])
def test_import_and_audit_pages_are_not_registered_for_other_roles(tiny_copy, monkeypatch, email):
    at = app_as(tiny_copy, monkeypatch, claims(email))
    for page in ("pages/imports.py", "pages/audit.py"):
        with pytest.raises(ValueError):
            at.switch_page(page)


@pytest.mark.parametrize("page", ["pages/imports.py", "pages/audit.py"])
def test_coordinator_pages_refuse_a_representative_run_directly(tiny_copy, monkeypatch, page):
    """The pages check the role themselves, in case a route to their script is ever found."""
    monkeypatch.setenv("PSYNAM_DB", str(tiny_copy))
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.secrets, at.user = SECRETS, claims(REP)
    at.run()
    assert at.exception and "Action non permise pour votre rôle (représentant de réseau)" in at.exception[0].message
    assert not at.get("file_uploader") and not at.get("dataframe")


def test_no_login_configured_on_loopback_is_the_laptop_coordinator(tiny_copy, monkeypatch):
    at = app_as(tiny_copy, monkeypatch, None, secrets=None)
    small_selection(at)
    assert metrics(at)["Séances"] == "4"
    assert any("Poste local" in c.value for c in at.sidebar.caption)


def test_coordinators_read_the_audit_log_and_export_it(tiny_copy, monkeypatch, downloads):
    at = app_as(tiny_copy, monkeypatch, claims(COORD))
    small_selection(at)
    download(at, downloads, "overview_sessions_by_month_xlsx")
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["happened_at", "event", "who", "role", "via", "file_name", "view", "filters", "detail"]
    assert set(table["event"]) == {"Connexion", "Téléchargement"} and set(table["who"]) == {COORD}
    text = download(at, downloads, "audit_csv").decode("utf-8")
    assert text.startswith("\ufeffDate et heure;Événement;Qui;Rôle;Accès;Fichier;Vue;Filtres;Détail")
    assert "Téléchargement" in text and ".xlsx" in text and "networks=RSK" in text
    at.multiselect(key="audit_events").set_value(["login"]).run()
    assert set(at.dataframe[0].value["event"]) == {"Connexion"}
    # the export of the log is itself logged; a second tab of the same login is not a second login
    from psynam import audit
    issued = int(table["detail"].str.extract(r'"issued_at": (\d+)').dropna()[0].iloc[0])
    app_as(tiny_copy, monkeypatch, {**claims(COORD), "iat": issued})
    log = audit.events(date(2000, 1, 1), date(2100, 1, 1), db=tiny_copy)
    assert log["event"].to_list().count("login") == 1
    assert log.filter(log["view"] == "audit")["event"].to_list() == ["download"]
