"""`python -m psynam load [--sessions 30] [--duration 60] [--think 5,15] [--workers N] [--db FILE]`: concurrent
app sessions over WebSocket on loopback while one import runs; prints failed sessions, rerun latency and
server memory.

It serves the app itself — one `streamlit run` on a free loopback port, or with `--workers N` the team
deployment of `python -m psynam serve` (nginx in front of N workers, sessions sticky by cookie) — over a
copy of a 1-million-session
database (generated once with the sample generator into /tmp/psynam-load/ when --db is not given), then
opens N sessions the way a browser does: a WebSocket on /_stcore/stream, protobuf BackMsg/ForwardMsg
from streamlit.proto. Each session opens a page, then changes filters (a rerun whose query string holds
the new filter values: the filter widgets are bound to the URL) after a think time (5-15 s by default), and sometimes
moves to another page. A rerun is timed from sending `rerun_script` to receiving `script_finished`.
A quarter of the way in, `python -m psynam import` of the committed sample export runs against the
served database. Bounded: at most 200 sessions and 600 s, every wait has a timeout, it stops by itself.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from psynam import ROOT, SAMPLE_DIR

MAX_SESSIONS, MAX_DURATION = 200, 600.0
RERUN_TIMEOUT = 60.0
# Think time between two filter changes of one session. Someone reading a dashboard looks at what a
# filter change shows before changing another: 5-15 s by default; `--think 1,3` is a stress setting
# (30 sessions then ask for 10-30 reruns a second from one Streamlit process).
THINK = (5.0, 15.0)
WORKDIR = Path(os.environ.get("PSYNAM_LOAD_DIR", "/tmp/psynam-load"))
SIZE = 1_000_000

NETWORKS = [[], ["RSN (adultes)"], ["RSK (enfants et adolescents)"]]
ARRONDISSEMENTS = [[], [], ["Namur"], ["Dinant"], ["Philippeville"], ["Dinant", "Philippeville"]]
PERIODS = [None, ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31"),
           ("2025-04-01", "2026-03-31"), ("2024-09-01", "2025-08-31")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (its own threads; not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def filter_query(rng: random.Random) -> str:
    pairs = [("reseau", v) for v in rng.choice(NETWORKS)] + [("arrondissement", v) for v in rng.choice(ARRONDISSEMENTS)]
    period = rng.choice(PERIODS)
    if period:
        pairs += [("periode", period[0]), ("periode", period[1])]
    return urlencode(pairs)


def prepare_database(db: str | None) -> Path:
    """A working copy of the database to serve (the import changes it)."""
    WORKDIR.mkdir(parents=True, exist_ok=True)
    if db:
        source = Path(db)
    else:
        source = WORKDIR / f"psynam_{SIZE}.duckdb"
        if not source.exists():
            from psynam.ingest import import_paths
            from psynam.sample import write_sample
            export = WORKDIR / f"sample_{SIZE}.zip"
            if not export.exists():
                print(f"load: generating a {SIZE:,}-session export in {WORKDIR} (once)...", flush=True)
                write_sample(export, seed=2021, sessions=SIZE, until="2026-10")
            print("load: importing it (once)...", flush=True)
            report = import_paths([export], source)
            if not report.ok:
                raise RuntimeError(f"the load export was refused:\n{report}")
            export.unlink()
    served = WORKDIR / "served.duckdb"
    for stale in (served, served.with_name(served.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(source, served)
    return served


# With `--as ROLE` (through the proxy only) every session is a logged-in user of that role: the app gets a
# login configuration whose provider is never called, and each session carries the identity cookie that
# Streamlit's OIDC callback would have set, signed with the deployment's cookie secret.
LOGIN: dict = {}
LOGIN_BUTTON = "Se connecter"
LOAD_COOKIE_SECRET = "psynam-load-only-" + "0" * 32
LOAD_EMAILS = {"coordinateur": "load-coord@psynam.test", "representant": "load-rep@psynam.test",
               "comite": "load-comite@psynam.test"}


def login_secrets(path: Path, base: str) -> Path:
    path.write_text(f"""[auth]
redirect_uri = "{base}/oauth2callback"
cookie_secret = "{LOAD_COOKIE_SECRET}"
client_id = "psynam-load"
client_secret = "never-used"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
""" + "".join(f'[roles.{role}]\nemails = ["{email}"]\n' for role, email in LOAD_EMAILS.items()), encoding="utf-8")
    return path


def _identity_cookie(origin: str) -> str:
    import json

    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value
    claims = {"email": LOGIN["email"], "email_verified": True, "name": LOGIN["role"], "iat": int(time.time()),
              "origin": origin, "is_logged_in": True, "provider": "default"}
    return create_signed_value(LOAD_COOKIE_SECRET, "_streamlit_user", json.dumps(claims)).decode()


class Session:
    """One browser tab's worth of protocol: rerun requests and the messages that answer them."""

    def __init__(self, url: str, origin: str):
        self.url, self.origin, self.ws = url, origin, None

    async def __aenter__(self):
        import websockets
        # As a browser: the page first (its cookies: nginx's sticky route, Streamlit's XSRF), then the socket.
        cookies = await asyncio.to_thread(_page_cookies, self.origin)
        protocols = ["streamlit"]
        if LOGIN:  # logged in: the identity cookie, read by Streamlit only with a valid XSRF token
            cookies["_streamlit_user"] = _identity_cookie(self.origin)
            protocols.append(cookies.get("_streamlit_xsrf", ""))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None
        self.ws = await websockets.connect(self.url, subprotocols=protocols, origin=self.origin,
                                           additional_headers=headers, max_size=None, open_timeout=30,
                                           ping_interval=None)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def rerun(self, query: str, page_hash: str = "") -> dict:
        """Send a rerun; wait for script_finished. Returns seconds, status, exception text, pages."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_script_hash = page_hash
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        out = {"exception": None, "pages": None}
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(self.ws.recv(), RERUN_TIMEOUT))
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                out["pages"] = {p.url_pathname: p.page_script_hash for p in fm.navigation.app_pages}
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                if element.WhichOneof("type") == "exception":
                    out["exception"] = element.exception.message[:200]
                elif element.WhichOneof("type") == "button" and element.button.label == LOGIN_BUTTON:
                    out["exception"] = "the login page, not the dashboard: the session is not logged in"
                elif element.WhichOneof("type") == "alert" and any(
                        t in element.alert.body for t in ("n'a pas de rôle", "n'est pas servi", "mal configurée")):
                    out["exception"] = f"refused: {element.alert.body[:120]}"
            elif kind == "script_finished":
                out.update(seconds=time.perf_counter() - started, status=fm.script_finished)
                return out


def _page_cookies(base: str) -> dict[str, str]:
    """The cookies a browser holds after opening the page: nginx's route, then Streamlit's XSRF cookie
    (which Streamlit sets on its /_stcore endpoints, not on the page itself)."""
    from http.cookies import SimpleCookie
    jar = SimpleCookie()
    for path in ("/", "/_stcore/health"):
        request = urllib.request.Request(f"{base}{path}", headers={"Cookie": "; ".join(
            f"{k}={m.value}" for k, m in jar.items())} if jar else {})
        with urllib.request.urlopen(request, timeout=30) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
    return {k: m.value for k, m in jar.items()}


async def user(index: int, url: str, origin: str, pages: dict[str, str], deadline: float, stats: dict,
               think: tuple[float, float] = THINK) -> None:
    rng = random.Random(index)
    paths = list(pages)
    weights = [4 if p == "" else 1 for p in paths]  # most people start on the overview
    await asyncio.sleep(rng.uniform(0, 3))  # people do not all arrive in the same second
    try:
        async with Session(url, origin) as s:
            page = pages[rng.choices(paths, weights)[0]]
            first = await s.rerun(filter_query(rng), page)
            stats["opens"].append(first["seconds"])
            _check(first, index, stats)
            while time.monotonic() + think[1] < deadline:
                await asyncio.sleep(rng.uniform(*think))
                if rng.random() < 0.2:
                    page = pages[rng.choices(paths, weights)[0]]
                result = await s.rerun(filter_query(rng), page)
                stats["reruns"].append((time.monotonic(), result["seconds"]))
                _check(result, index, stats)
    except Exception as exc:  # a timeout, a closed socket: the session failed
        stats["failed"].setdefault(index, f"{type(exc).__name__}: {exc}"[:200])


def _check(result: dict, index: int, stats: dict) -> None:
    if result["exception"] or result["status"] != 0:
        stats["failed"].setdefault(index, result["exception"] or f"script_finished status {result['status']}")


async def drive(base: str, sessions: int, duration: float, importer, think: tuple[float, float] = THINK) -> dict:
    url, origin = base.replace("http", "ws", 1) + "/_stcore/stream", base
    async with Session(url, origin) as probe:  # learn the pages, and warm every one up (imports, connection)
        pages = (await probe.rerun(""))["pages"] or {"": ""}
        for page_hash in pages.values():
            await probe.rerun("", page_hash)
    stats = {"opens": [], "reruns": [], "failed": {}}
    started = time.monotonic()
    deadline = started + duration
    tasks = [asyncio.create_task(user(i, url, origin, pages, deadline, stats, think)) for i in range(sessions)]
    await asyncio.sleep(duration / 4)
    stats["import"] = await asyncio.to_thread(importer)
    await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()) + RERUN_TIMEOUT)
    for task in tasks:
        task.cancel()
    stats["started"] = started
    return stats


def cli(args) -> int:
    sessions = max(1, min(int(args.sessions), MAX_SESSIONS))
    duration = max(10.0, min(float(args.duration), MAX_DURATION))
    low, high = (float(x) for x in str(getattr(args, "think", "") or f"{THINK[0]},{THINK[1]}").split(","))
    think = (max(0.0, low), max(low, high))
    served = prepare_database(args.db)
    workers = max(0, min(int(getattr(args, "workers", 0) or 0), 8))
    deployment, server = None, None
    role = getattr(args, "as_role", None) or "coordinateur"
    if role != "coordinateur" and not workers:
        print("load: --as needs --workers (the login goes through psynam serve)", file=sys.stderr)
        return 2
    if workers:  # the team deployment: nginx + N workers (psynam/serve.py), the load goes through nginx
        from psynam.serve import Deployment
        port = _free_port()
        secrets = WORKDIR / "no-secrets.toml"
        if role != "coordinateur":
            secrets = login_secrets(WORKDIR / "load-secrets.toml", f"http://127.0.0.1:{port}")
            LOGIN.update(role=role, email=LOAD_EMAILS[role])
        deployment = Deployment(workers=workers, port=port, db=str(served), workdir=WORKDIR / "serve",
                                secrets=str(secrets))
        try:
            deployment.start()
        except SystemExit as refused:
            print(f"load: {refused}", file=sys.stderr)
            return 1
        base, log = deployment.url, WORKDIR / "serve"
        pids = [w.process.pid for w in deployment.pool]
    else:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = WORKDIR / "streamlit.log"
        env = dict(os.environ, PSYNAM_DB=str(served))
        with open(log, "wb") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
                 "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
                 "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        pids = [server.pid]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health" if server else f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if (server and server.poll() is not None) or time.monotonic() > deadline:
                    print(f"load: the server did not start, see {log}", file=sys.stderr)
                    return 1
                time.sleep(0.3)
        before = sum(rss_mb(pid)[0] for pid in pids)
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        export = sorted(SAMPLE_DIR.glob("*.zip"))[0]

        def importer() -> dict:
            t0 = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "psynam", "import", str(export), "--db", str(served)],
                                  cwd=ROOT, capture_output=True, text=True, timeout=MAX_DURATION)
            return {"start": t0, "end": time.monotonic(), "rc": done.returncode,
                    "tail": (done.stdout + done.stderr).strip().splitlines()[-1:] or [""]}

        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
        print(f"load: {sessions} sessions for {duration:.0f} s on {served} ({base}"
              + (f", nginx in front of {workers} workers" if workers else ", one Streamlit process")
              + f", sessions as {role}"
              + f"); think time {think[0]:g}-{think[1]:g} s; one import at t+{duration / 4:.0f} s", flush=True)
        stats = asyncio.run(asyncio.wait_for(drive(base, sessions, duration, importer, think),
                                             duration + 2 * RERUN_TIMEOUT + MAX_DURATION))
        after = sum(rss_mb(pid)[0] for pid in pids)
        cpu_used = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        peak = sum(rss_mb(pid)[1] for pid in pids)
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        if deployment:
            deployment.stop()
        else:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    times = [t for _, t in stats["reruns"]]
    imp = stats["import"]
    during = [t for at, t in stats["reruns"] if imp["start"] <= at <= imp["end"] + 5]
    fmt = lambda v: "-" if v is None else f"{v:.3f} s"  # noqa: E731
    print(f"sessions: {sessions}, failed: {len(stats['failed'])} (target 0)")
    for index, why in sorted(stats["failed"].items())[:10]:
        print(f"  session {index}: {why}")
    print(f"reruns: {len(times)}; p50 {fmt(percentile(times, 0.5))} (target <= 0.5 s), "
          f"p95 {fmt(percentile(times, 0.95))} (target <= 1.5 s), max {fmt(max(times) if times else None)}")
    print(f"first page open: {len(stats['opens'])}; p50 {fmt(percentile(stats['opens'], 0.5))}, "
          f"p95 {fmt(percentile(stats['opens'], 0.95))}")
    print(f"during the import (+5 s): {len(during)} reruns; p50 {fmt(percentile(during, 0.5))}, "
          f"p95 {fmt(percentile(during, 0.95))}")
    print(f"import: {imp['end'] - imp['start']:.1f} s, exit {imp['rc']} ({imp['tail'][0][:120]})")
    print(f"server memory{' (all workers)' if workers else ''}: {before:,.0f} MB before, {after:,.0f} MB after, "
          f"peak {peak:,.0f} MB")
    if times:
        print(f"mean rerun {statistics.mean(times):.3f} s")
    served_runs = len(times) + len(stats["opens"])
    if served_runs:  # less sensitive than latency to other work on the machine: what the app itself spent
        print(f"server CPU: {cpu_used:.1f} s for {served_runs} runs ({cpu_used / served_runs:.3f} s per run, "
              f"{cpu_used / duration:.2f} cores on average over the {duration:.0f} s; the import's own process "
              f"not counted)")
    return 0 if not stats["failed"] else 1
