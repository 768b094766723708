"""The login tests' identity provider and app: a real OpenID Connect provider (npm `oidc-provider`, run
with node on loopback, tests/e2e/oidc/provider.mjs) and a secrets.toml pointing the app at it, with one
account per role; helpers to sign in and out through Chromium.

node and the npm package are installed by .ci/run (`npm ci` into tests/e2e/oidc/node_modules); without
them the tests are skipped with the command to run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

OIDC_DIR = Path(__file__).parent / "oidc"
CLIENT_SECRET = "psynam-tests-client-secret"
COOKIE_SECRET = "0123456789abcdef" * 4
# login -> claims. The representative is matched by group (the group claim), the others by e-mail.
ACCOUNTS = {
    "coord": {"email": "coord@psynam.test", "name": "Camille Coordination"},
    "rep": {"email": "rep@partenaire.test", "name": "Robin Représentant", "groups": ["psynam-representants"]},
    "comite": {"email": "comite@psynam.test", "name": "Claude Comité"},
    "stranger": {"email": "stranger@example.org", "name": "Sam Inconnu"},
}
ROLES_TOML = """
[roles]
group_claim = "groups"
[roles.coordinateur]
emails = ["coord@psynam.test"]
[roles.representant]
groups = ["psynam-representants"]
[roles.comite]
emails = ["comite@psynam.test"]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Provider:
    port: int
    redirect_ports: tuple[int, ...]

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def secrets(self, app_port: int, folder: Path) -> Path:
        """A secrets.toml for an app served at http://127.0.0.1:app_port, logging in with this provider."""
        path = folder / f"secrets-{app_port}.toml"
        path.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"
cookie_secret = "{COOKIE_SECRET}"
client_id = "psynam"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{self.issuer}/.well-known/openid-configuration"
client_kwargs = {{ scope = "openid email profile groups", prompt = "login" }}
{ROLES_TOML}""", encoding="utf-8")
        return path


def missing(what: str) -> None:
    """Skip on a developer's machine; fail in CI (.ci/run installs it: a skip there would hide a failure)."""
    if os.environ.get("CI"):
        pytest.fail(what)
    pytest.skip(what)


def start_provider(redirect_ports: tuple[int, ...], log: Path):
    """Start the provider; returns (Provider, process). Skips when node or the package is missing."""
    node = shutil.which("node")
    if node is None:
        missing("node is not installed (apt-get install -y nodejs npm)")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        missing(f"oidc-provider is not installed (npm ci --prefix {OIDC_DIR})")
    port = free_port()
    env = dict(os.environ, OIDC_PORT=str(port), OIDC_CLIENT_SECRET=CLIENT_SECRET,
               OIDC_REDIRECT_URIS=json.dumps([f"http://127.0.0.1:{p}/oauth2callback" for p in redirect_ports]),
               OIDC_ACCOUNTS=json.dumps(ACCOUNTS))
    out = open(log, "wb")
    process = subprocess.Popen([node, str(OIDC_DIR / "provider.mjs")], cwd=OIDC_DIR, env=env, stdout=out,
                               stderr=subprocess.STDOUT)
    provider = Provider(port, redirect_ports)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{provider.issuer}/.well-known/openid-configuration", timeout=2):
                return provider, process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"oidc-provider did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def sign_in(page, base: str, login: str, query: str = "") -> None:
    """The real flow: the app's button, the provider's form and consent, back to the app."""
    from tests.e2e.conftest import settle

    page.goto(f"{base}/{query}")
    settle(page)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password: the provider's development form")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for _ in range(3):  # consent, when the provider asks for it
        if page.url.startswith(base):
            break
        button = page.locator("button[type=submit]")
        if button.count():
            button.first.click()
            page.wait_for_load_state()
        else:
            page.wait_for_timeout(300)
    page.wait_for_url(f"{base}/**")
    if query:
        page.goto(f"{base}/{query}")
    settle(page)


def sign_out(page, base: str) -> None:
    from tests.e2e.conftest import settle

    page.get_by_role("button", name="Se déconnecter").click()
    # To the provider's end-session endpoint; a worker that cannot reach the provider's metadata logs out
    # locally and comes straight back to the login page.
    deadline = time.monotonic() + 60
    while page.url.startswith(base) and time.monotonic() < deadline:
        if page.get_by_role("button", name="Se connecter").count():
            return settle(page)
        page.wait_for_timeout(300)
    page.wait_for_load_state()
    for _ in range(10):  # the provider asks to confirm the sign-out, then sends the browser back
        if page.url.startswith(base):
            break
        button = page.locator("button[autofocus], button[type=submit]")
        if button.count():
            button.first.click()
            page.wait_for_load_state()
        else:
            page.wait_for_timeout(300)
    page.wait_for_url(f"{base}/**")
    page.wait_for_load_state()
    settle(page)
