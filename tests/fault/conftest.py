"""Fault injection on real file systems: a small disk for the database or for TMPDIR, a read-only folder,
corrupt files, processes killed with SIGKILL. Every scenario runs the real command line (or a small script)
in a child process and then checks the same four things: the database opens, its figures are those of
before or of after, no temporary file is left (once the next writer has swept), and the message is the
expected one.

How the faults are made, in order of preference (the run says which, at the end, and docs/importing.md
explains both):
- `tmpfs`: as root with CAP_SYS_ADMIN (a CI machine, this development machine), a tmpfs of a few MB is
  mounted for the database folder (or TMPDIR); a ballast file leaves exactly the free space a scenario
  needs; `mount -o remount,ro` makes it read-only; everything is unmounted afterwards.
- `rlimit`: where mounting is refused (an unprivileged container), the child gets RLIMIT_FSIZE (a write
  past the limit fails with EFBIG, "File too large", which the messages treat as a full disk) and runs as
  `nobody` in a folder made read-only with chmod (root ignores permissions). PSYNAM_FAULT_MECHANISM=rlimit
  forces it, to check the fallback.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from psynam import ROOT, store

MOUNT_PREFIX = "psynam-fault-"
NOBODY = 65534


def pytest_configure(config):
    config.addinivalue_line("markers", "fault: fault injection (small disks, read-only folders, SIGKILL)")


def _can_mount() -> bool:
    if os.environ.get("PSYNAM_FAULT_MECHANISM") == "rlimit" or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    point = tempfile.mkdtemp(prefix=MOUNT_PREFIX)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", point], capture_output=True)
        if done.returncode:
            return False
        subprocess.run(["umount", point], check=True)
        return True
    finally:
        os.rmdir(point)


MECHANISM = "tmpfs" if _can_mount() else "rlimit"


def pytest_terminal_summary(terminalreporter):
    if any(r.nodeid.startswith("tests/fault") for rs in terminalreporter.stats.values() for r in rs
           if hasattr(r, "nodeid")):
        terminalreporter.write_line(f"fault injection: {MECHANISM} "
                                    + ("(tmpfs mounted as root)" if MECHANISM == "tmpfs"
                                       else "(RLIMIT_FSIZE and a chmod'ed folder as nobody: mounting was refused)"))
    left = [line for line in Path("/proc/mounts").read_text().splitlines() if MOUNT_PREFIX in line]
    if left:
        terminalreporter.write_line(f"fault injection left mounts behind: {left}", red=True)


@dataclass
class Disk:
    """A folder on a small disk. `fill(free)` leaves `free` bytes free, `read_only()` forbids writing;
    `run(...)` starts a child process under the disk's limits."""
    path: Path
    mounted: bool
    limit: int | None = None                 # rlimit: the file size limit given to children
    locked: bool = False                     # rlimit: the folder is read-only (chmod) for a child run as nobody
    env: dict = field(default_factory=dict)
    children: list = field(default_factory=list)   # killed when the disk goes, so none writes after it

    def fill(self, free: int) -> None:
        """Leave `free` bytes free (tmpfs); or let no file grow more than 64 KB beyond the largest one here
        (rlimit: a copy of the database still fits, an import into it does not)."""
        if self.mounted:
            ballast = self.path / "ballast"
            ballast.unlink(missing_ok=True)
            left = shutil.disk_usage(self.path).free - free
            if left > 0:
                with open(ballast, "wb") as f:
                    os.posix_fallocate(f.fileno(), 0, left)
        else:
            sizes = [p.stat().st_size for p in self.path.rglob("*") if p.is_file()]
            self.limit = max(sizes, default=0) + 65536

    def empty(self) -> None:
        (self.path / "ballast").unlink(missing_ok=True)
        self.limit = None

    def read_only(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)
            return
        if os.geteuid() == 0 and not _nobody_can_run():
            pytest.skip("no read-only folder here: mounting is refused and nobody cannot run this Python "
                        f"({sys.executable})")
        for p in [self.path, *self.path.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        self.locked = True

    def writable(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)
        else:
            for p in [self.path, *self.path.rglob("*")]:
                p.chmod(0o755 if p.is_dir() else 0o644)
            self.locked = False

    def _limits(self):
        limit, drop = self.limit, self.locked and os.geteuid() == 0

        def apply():
            if limit is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a write past the limit fails with EFBIG
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            if drop:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
        return apply

    def popen(self, argv: list[str], env: dict | None = None, **kwargs) -> subprocess.Popen:
        proc = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **self.env,
                                                     **(env or {})},
                                preexec_fn=self._limits(), text=True, **kwargs)
        self.children.append(proc)
        return proc

    def run(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """`python -m psynam ARGS` in a child process under the disk's limits."""
        proc = self.popen([sys.executable, "-m", "psynam", *args], env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
        out, err = proc.communicate(timeout=600)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _nobody_can_run() -> bool:
    def drop():
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    try:
        return subprocess.run([sys.executable, "-c", "import psynam"], cwd=ROOT, preexec_fn=drop,
                              capture_output=True).returncode == 0
    except OSError:
        return False


@contextlib.contextmanager
def small_disk(size_mb: int):
    point = Path(tempfile.mkdtemp(prefix=MOUNT_PREFIX))
    mounted, disk = False, None
    try:
        if MECHANISM == "tmpfs":
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0755", "tmpfs", str(point)],
                           check=True)
            mounted = True
        disk = Disk(point, mounted)
        yield disk
    finally:
        for proc in disk.children if disk else ():
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        if mounted:
            if subprocess.run(["umount", str(point)]).returncode:
                subprocess.run(["umount", "-l", str(point)])
        else:
            for p in [point, *point.rglob("*")]:
                with contextlib.suppress(OSError):
                    p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(point, ignore_errors=True)


@pytest.fixture
def private_tmp(tmp_path) -> Path:
    """The children's TMPDIR (DuckDB spills there): theirs alone, so that what they leave can be seen."""
    folder = tmp_path / "tmpdir"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    return folder


@pytest.fixture
def disk(private_tmp):
    with small_disk(64) as d:
        d.env["TMPDIR"] = str(private_tmp)
        yield d


@pytest.fixture
def temp_disk():
    """A 1 MB disk for TMPDIR (rlimit: a folder where DuckDB may write 1 MB, PSYNAM_MAX_TEMP_MB)."""
    with small_disk(1) as d:
        d.path.chmod(0o777)
        d.env["TMPDIR"] = str(d.path)
        if not d.mounted:
            d.env["PSYNAM_MAX_TEMP_MB"] = "1"
        yield d


def leftovers(db: Path, tmp: Path) -> list[Path]:
    """What an operation may leave beside the database or in its TMPDIR: copies, stages, uploads, partial
    kept files, spill folders. Empty after every scenario (after the next writer's sweep, for killed ones)."""
    found = [p for folder in (store.work_dir(db), store.uploads_dir(db)) if folder.exists() for p in folder.iterdir()]
    if store.files_dir(db).exists():
        found += list(store.files_dir(db).glob("*/.*.tmp"))
    found += list(tmp.glob("*"))
    return found


def figures(db: Path) -> dict[str, str]:
    """The imported tables' contents (a checksum each), read as the app reads them; opening is the test."""
    from tests.ingest.conftest import data_tables, snapshot

    return data_tables(snapshot(db))
