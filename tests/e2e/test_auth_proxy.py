"""The team deployment end to end: `psynam serve`'s nginx (Debian's) in front of two Streamlit workers, one
logged-in session through it in Chromium — login by the real OpenID flow, the page, its WebSocket and its
downloads on one sticky worker; when that worker dies, nginx sends the browser to the other one, still
logged in (one cookie secret for all), and the supervisor restarts the dead one."""

from __future__ import annotations

import shutil
import urllib.request

import pytest

from psynam.serve import Deployment, healthy
from tests.e2e.auth_provider import missing, sign_in, sign_out
from tests.e2e.conftest import page_text, settle

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def deployment(oidc, auth_ports, e2e_db, tmp_path_factory):
    if shutil.which("nginx") is None:
        missing("nginx is not installed (apt-get install -y nginx)")
    folder = tmp_path_factory.mktemp("deploy")
    port = auth_ports["proxy"]
    served = Deployment(workers=2, port=port, db=str(e2e_db), secrets=str(oidc.secrets(port, folder)),
                        workdir=folder / "serve")
    served.start()
    yield served
    served.stop()


def test_health_check_answers_through_nginx(deployment):
    with urllib.request.urlopen(f"{deployment.url}/healthz", timeout=10) as response:
        assert response.status == 200 and response.read() == b"ok"


def test_one_logged_in_session_through_two_workers(deployment, browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-BE", accept_downloads=True)
    context.set_default_timeout(90_000)
    page = context.new_page()
    workers: list[str] = []
    page.on("response", lambda r: r.url.startswith(deployment.url) and workers.append(r.headers.get("x-psynam-worker")))
    try:
        sign_in(page, deployment.url, "rep")
        assert "Connecté : Robin Représentant (représentant de réseau)" in page_text(page)
        route = next(c["value"] for c in context.cookies() if c["name"] == "psynam_worker")
        served_by = {w for w in workers if w}
        assert len(served_by) == 1, f"one browser, one worker: {served_by}"
        first = served_by.pop()

        # The session works over its WebSocket (a filter change reruns on the same worker)...
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
        page.get_by_role("option").first.click()
        page.keyboard.press("Escape")
        page.wait_for_timeout(400)
        settle(page)
        # ... and a file made on click comes from that worker's memory, through nginx.
        with page.expect_download() as done:
            page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button').first.click()
        assert done.value.suggested_filename.endswith(".csv")
        assert {w for w in workers if w} == {first}

        # The worker dies: nginx moves the browser to the other one, the login still holds.
        dead = next(w for w in deployment.pool if first.endswith(f":{w.port}"))
        dead.process.kill()
        dead.process.wait()
        workers.clear()
        page.goto(deployment.url)
        settle(page)
        assert "Connecté : Robin Représentant" in page_text(page)
        assert {w for w in workers if w} - {first}, "served by the other worker"
        assert next(c["value"] for c in context.cookies() if c["name"] == "psynam_worker") == route

        # The supervisor's next round restarts it.
        assert dead.port in deployment.check_once()
        deployment._wait_healthy([dead])
        assert healthy(dead.port)
        sign_out(page, deployment.url)
        assert page.get_by_role("button", name="Se connecter").count() == 1
    finally:
        context.close()
