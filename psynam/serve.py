"""`python -m psynam serve --workers N`: the dashboard for a team — N Streamlit workers on loopback behind
nginx (deploy/nginx.conf.template: sticky sessions by cookie, WebSocket upgrade, upload limit, /healthz),
each worker watched and restarted when it stops answering its health check.

Refuses to start, with a French message, when the login configuration is broken, or when it is asked to
listen on a non-loopback address while no login is configured (then the app would hand exact health
figures to anyone who reaches the port). TLS is the operator's (a front web server, see the README).
"""

from __future__ import annotations

import os
import secrets as secret_tokens
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from psynam import ROOT, access
from psynam.labels.roles import TEXT

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
HEALTH_EVERY_S = 5.0
HEALTH_FAILURES = 3          # consecutive failed checks before a worker is restarted
START_TIMEOUT_S = 120.0
NGINX = os.environ.get("PSYNAM_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"


def secrets_files(explicit: str | None = None) -> list[Path]:
    """The secrets files Streamlit reads (global, then the project's), or the one given."""
    if explicit:
        return [Path(explicit)]
    return [Path.home() / ".streamlit" / "secrets.toml", ROOT / ".streamlit" / "secrets.toml"]


def load_secrets(files: list[Path]) -> dict:
    merged: dict = {}
    for file in files:
        if file.is_file():
            merged.update(tomllib.loads(file.read_text(encoding="utf-8")))
    return merged


def check(address: str, files: list[Path]) -> tuple[access.Settings, list[str]]:
    """The settings and the French reasons to refuse serving (empty when it may serve)."""
    settings = access.settings_from(load_secrets(files))
    shown = " ou ".join(str(f) for f in files)
    if settings.problems:
        return settings, [TEXT["serve_misconfigured"].format(secrets=shown)] + [f"- {p}" for p in settings.problems]
    if not settings.login and not access.is_loopback(address):
        return settings, [TEXT["serve_refused"].format(secrets=shown, address=address)]
    return settings, []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def max_upload_mb() -> int:
    from psynam.ingest.read import max_file_bytes
    return max(1, max_file_bytes() // (1024 * 1024))


def nginx_config(listen: str, ports: list[int], prefix: Path, max_body_mb: int) -> str:
    user = "user nobody nogroup;" if os.geteuid() == 0 else "# (not root: nginx runs as the current user)"
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports)
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in {"user": user, "prefix": str(prefix), "servers": servers, "listen": listen,
                       "max_body_mb": str(max_body_mb), "mime_types": "/etc/nginx/mime.types"}.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def healthy(port: int, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


@dataclass
class Worker:
    port: int
    command: list[str]
    env: dict
    log: Path
    process: subprocess.Popen | None = None
    failures: int = 0
    restarts: int = 0

    def start(self) -> None:
        out = open(self.log, "ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.failures = 0

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Deployment:
    """nginx on `listen` in front of `workers` Streamlit processes; start(), then supervise() or stop()."""

    workers: int = 2
    address: str = "127.0.0.1"
    port: int = 8080
    db: str | None = None
    secrets: str | None = None
    workdir: Path = field(default_factory=lambda: Path(os.environ.get("PSYNAM_SERVE_DIR", "/tmp/psynam-serve")))
    extra_env: dict = field(default_factory=dict)
    pool: list[Worker] = field(default_factory=list)
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "::", "") else self.address
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        files = secrets_files(self.secrets)
        settings, refusal = check(self.address, files)
        if refusal:
            raise SystemExit("\n".join(refusal))
        if settings.login and not (settings.emails or settings.groups):
            print(TEXT["serve_no_roles"], file=sys.stderr)
        if not Path(NGINX).exists() and shutil.which(NGINX) is None:
            raise SystemExit("Refus de servir : nginx est introuvable (apt-get install -y nginx).")
        self.workdir.mkdir(parents=True, exist_ok=True)
        nginx_dir = self.workdir / "nginx"
        for sub in ("", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:  # the workers of a root nginx run as nobody
                shutil.chown(nginx_dir / sub, "nobody", "nogroup")
        auth = load_secrets(files).get("auth") or {}
        # One cookie secret for every worker: a login (and the XSRF cookie) made on one is valid on all.
        cookie_secret = str(auth.get("cookie_secret") or secret_tokens.token_hex(32))
        env = dict(os.environ, **self.extra_env, STREAMLIT_SERVER_COOKIE_SECRET=cookie_secret)
        if self.db:
            env["PSYNAM_DB"] = str(Path(self.db).resolve())
        ports = [free_port() for _ in range(self.workers)]
        for i, port in enumerate(ports):
            command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                       "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                       "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
                       "--server.maxUploadSize", str(max_upload_mb()),
                       "--client.showErrorDetails", "none", "--client.toolbarMode", "viewer"]
            if self.secrets:
                command += ["--secrets.files", str(Path(self.secrets).resolve())]
            self.pool.append(Worker(port, command, env, self.workdir / f"worker-{i + 1}.log"))
        for worker in self.pool:
            worker.start()
        self._wait_healthy(self.pool)
        conf = self.workdir / "nginx.conf"
        listen = f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"
        conf.write_text(nginx_config(listen, ports, nginx_dir, max_upload_mb()), encoding="utf-8")
        test = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(nginx_dir)], capture_output=True, text=True)
        if test.returncode:
            self.stop()
            raise SystemExit(f"Refus de servir : configuration nginx invalide :\n{test.stderr}")
        self.nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(nginx_dir)],
                                      stdout=subprocess.DEVNULL, stderr=open(self.workdir / "nginx.log", "ab"))
        deadline = time.monotonic() + 30
        while not self._proxy_healthy():
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"Refus de servir : nginx n'a pas démarré (voir {self.workdir / 'nginx.log'}).")
            time.sleep(0.2)
        for worker in self.pool:
            kick(worker.port)

    def _proxy_healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def _wait_healthy(self, workers: list[Worker]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = list(workers)
        while waiting:
            waiting = [w for w in waiting if not healthy(w.port)]
            for w in waiting:
                if w.process.poll() is not None:
                    self.stop()
                    raise SystemExit(f"Refus de servir : un processus Streamlit s'est arrêté (voir {w.log}).")
            if waiting and time.monotonic() > deadline:
                self.stop()
                raise SystemExit("Refus de servir : les processus Streamlit ne répondent pas.")
            time.sleep(0.3)

    def check_once(self) -> list[int]:
        """One round of health checks; restart a worker that died or failed HEALTH_FAILURES in a row.
        Returns the ports restarted."""
        restarted = []
        for worker in self.pool:
            alive = worker.process.poll() is None
            if alive and healthy(worker.port):
                worker.failures = 0
                continue
            worker.failures += 1
            if not alive or worker.failures >= HEALTH_FAILURES:
                worker.stop()
                worker.start()
                worker.restarts += 1
                restarted.append(worker.port)
        return restarted

    def supervise(self) -> None:
        """Until SIGTERM/SIGINT: health checks every HEALTH_EVERY_S; then everything stops."""
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
        try:
            while not stopping:
                for port in self.check_once():
                    print(f"psynam serve: worker on port {port} restarted", file=sys.stderr, flush=True)
                if self.nginx.poll() is not None:
                    print("psynam serve: nginx stopped", file=sys.stderr)
                    return
                time.sleep(HEALTH_EVERY_S)
        finally:
            self.stop()

    def stop(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish the requests in flight
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        for worker in self.pool:
            worker.stop()


def kick(port: int) -> None:
    """Open one app session on a worker so that its cache warmer starts before the first visitor."""
    import asyncio

    async def once():
        import websockets
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                      origin=f"http://127.0.0.1:{port}", open_timeout=30, max_size=None) as ws:
            msg = BackMsg()
            msg.rerun_script.query_string = ""
            await ws.send(msg.SerializeToString())
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
                if fm.WhichOneof("type") == "script_finished":
                    return
    def run():  # in a thread of its own: the caller may already run an event loop (tests driving a browser)
        try:
            asyncio.run(once())
        except Exception as exc:  # warming is a convenience: the first visitor starts it otherwise
            print(f"psynam serve: could not open a first session on port {port}: {exc}", file=sys.stderr)
    import threading
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(150)


def cli(args) -> int:
    deployment = Deployment(workers=max(1, min(int(args.workers), 16)), address=args.address, port=int(args.port),
                            db=args.db, secrets=args.secrets,
                            workdir=Path(args.workdir) if args.workdir else Path(os.environ.get(
                                "PSYNAM_SERVE_DIR", "/tmp/psynam-serve")))
    try:
        deployment.start()
    except SystemExit as refused:
        print(refused, file=sys.stderr)
        return 2
    print(f"psynam serve: {deployment.workers} workers behind nginx on {deployment.url} "
          f"(health: {deployment.url}/healthz; logs in {deployment.workdir})", flush=True)
    deployment.supervise()
    return 0
