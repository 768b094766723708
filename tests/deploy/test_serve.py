"""`python -m psynam serve` without a browser: it refuses to serve a non-local address without a login
and a broken login configuration; its nginx configuration is valid for Debian's nginx and carries the
importer's upload limit, sticky sessions and the WebSocket upgrade; the cache warmer fills the frames of
the default view, so that the first visit after an import runs none of its queries."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT, db as database
from psynam.serve import max_upload_mb, nginx_config


def serve(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "psynam", "serve", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_refuses_a_network_address_without_login(tmp_path):
    done = serve("--address", "0.0.0.0", "--port", "18999", "--secrets", str(tmp_path / "none.toml"),
                 "--workdir", str(tmp_path / "w"))
    assert done.returncode == 2
    assert "Refus de servir : aucune connexion n'est configurée" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "w" / "worker-1.log").exists()  # nothing was started


def test_refuses_a_broken_login_configuration(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "https://x.example/oauth2callback"\ncookie_secret = "'
                       + "k" * 40 + '"\nclient_id = "psynam"\n', encoding="utf-8")
    done = serve("--address", "127.0.0.1", "--port", "18998", "--secrets", str(secrets), "--workdir", str(tmp_path / "w"))
    assert done.returncode == 2
    assert "la connexion est mal configurée" in done.stderr and "client_secret" in done.stderr


def test_nginx_configuration_is_valid_and_carries_the_limits(tmp_path):
    text = nginx_config("127.0.0.1:18997", [18001, 18002], tmp_path, max_upload_mb())
    assert f"client_max_body_size {max_upload_mb()}m;" in text and max_upload_mb() == 500
    assert "hash $psynam_route consistent;" in text
    assert "server 127.0.0.1:18001" in text and "server 127.0.0.1:18002" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text and "location = /healthz" in text
    assert "{{" not in text
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    checked = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_warming_fills_the_default_views_frames(tiny_db, monkeypatch):
    from psynam import gate

    monkeypatch.setenv("PSYNAM_DB", str(tiny_db))
    from psynam import ui
    ui.clear_frames()
    gate.warm()
    asked: list[str] = []
    real = database.run
    monkeypatch.setattr(database, "run", lambda con, name, **p: asked.append(name) or real(con, name, **p))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception and at.metric
    warmed = {"filters/data_bounds", "filters/communes", "overview/activity_kpis", "overview/partner_kpis",
              "budget/budget_by_year", "overview/sessions_by_month"}
    assert not warmed & set(asked), f"queried again after warming: {sorted(warmed & set(asked))}"
    ui.clear_frames()
    asked.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert warmed <= set(asked)  # without warming the same render runs them: the test can fail
