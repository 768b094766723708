"""Browser tests of the served app: `streamlit run app.py` on a free loopback port over a database built
once from the committed sample, driven by Playwright through Debian's Chromium (no browser download).

Screenshots go to $PSYNAM_SCREENSHOTS, else <project>/screenshots/ (git-ignored); the folder is printed
in pytest's terminal summary.
"""

from __future__ import annotations

import ast
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from psynam import ROOT

CHROMIUM = os.environ.get("PSYNAM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("PSYNAM_SCREENSHOTS") or ROOT / "screenshots")
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
TIMEOUT_S = 90  # one page's first render on a busy 2-core machine

# The sample generator's pseudonyms (psynam/sample/world.py hex_ids): patients "P" + 10 lower-case hex
# digits, psychologists "PSY" + 5. Neither may ever reach a page or a download.
PSEUDONYM = re.compile(r"\bP[0-9a-f]{10}\b|\bPSY[0-9a-f]{5}\b")

# Rendered: connected, the script done, no skeleton waiting for content, no stale element left over
# from the previous run, a title on the page.
_SETTLED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testScriptState === 'notRunning' && app.dataset.testConnectionState === 'CONNECTED'
    && !document.querySelector('[data-testid="stSkeleton"]') && !document.querySelector('[data-stale="true"]')
    && !!document.querySelector('[data-testid="stMain"] h1');
}"""


def app_pages() -> list[tuple[str, str, str]]:
    """(file, key, url path) of every page registered in app.py's PAGES list, read without running it."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            # the default page is served at the root whatever its path
            return [(file, key, "" if key == "overview" else path) for file, key, path, _icon in
                    ast.literal_eval(node.value)]
    raise LookupError("app.py has no PAGES list")


def settle(page, timeout_s: float = TIMEOUT_S) -> None:
    """Wait until the app has finished a run and drawn it (three polls in a row, 150 ms apart)."""
    deadline, in_a_row = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline:
        in_a_row = in_a_row + 1 if page.evaluate(_SETTLED_JS) else 0
        if in_a_row >= 3:
            return
        page.wait_for_timeout(150)
    raise TimeoutError(f"the app did not settle within {timeout_s:.0f} s at {page.url}")


def after_interaction(page) -> None:
    """Let a widget's rerun start before waiting for it to end."""
    page.wait_for_timeout(400)
    settle(page)


def page_text(page) -> str:
    return page.evaluate("() => document.body.innerText")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory) -> Path:
    from psynam.build import build
    return build(tmp_path_factory.mktemp("e2e") / "e2e.duckdb")


@pytest.fixture(scope="session")
def server(e2e_db, tmp_path_factory):
    """The app served by `streamlit run` on a free port; yields its base URL; stopped at the end."""
    port = _free_port()
    log = tmp_path_factory.mktemp("e2e-server") / "streamlit.log"
    env = dict(os.environ, PSYNAM_DB=str(e2e_db))
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; log:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set PSYNAM_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # overwritten page by page, never wiped: runs may overlap
    return SCREENSHOTS


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="fr-BE")
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="fr-BE")
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = context.new_page()
    yield page
    context.close()


_TAKEN: list[Path] = []


def shoot(page, folder: Path, name: str, *, full: bool = False) -> Path:
    """Save the viewport (and with `full`, the whole scrolled page at the same width) as PNG."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    _TAKEN.append(path)
    if full:
        size = page.viewport_size
        height = page.evaluate("""() => Math.max(...['stMain', 'stAppViewContainer', 'stSidebarContent']
            .map(id => document.querySelector(`[data-testid="${id}"]`)).filter(Boolean).map(e => e.scrollHeight))""")
        page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 12000))})
        page.wait_for_timeout(700)  # charts re-layout to the new size
        whole = folder / f"{name}_full.png"
        page.screenshot(path=str(whole))
        _TAKEN.append(whole)
        page.set_viewport_size(size)
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _TAKEN:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"{len(_TAKEN)} screenshots (1920x1080, full length, 390x844) in {SCREENSHOTS}")


# ---- the login tests' provider (tests/e2e/test_auth*.py; see tests/e2e/auth_provider.py) ----------

@pytest.fixture(scope="session")
def auth_ports() -> dict[str, int]:
    """Ports chosen up front: the provider must know every redirect URI it will accept."""
    from tests.e2e.auth_provider import free_port
    return {"app": free_port(), "proxy": free_port()}


@pytest.fixture(scope="session")
def oidc(auth_ports, tmp_path_factory):
    """A real OpenID Connect provider (oidc-provider with node) on loopback, for the login tests."""
    from tests.e2e.auth_provider import start_provider, stop
    provider, process = start_provider((auth_ports["app"], auth_ports["proxy"]),
                                       tmp_path_factory.mktemp("oidc") / "provider.log")
    yield provider
    stop(process)
