"""Throw-away Redis and PostgreSQL servers, and Celery workers, that the fault tests may stop,
restart and kill without touching the machine's own services."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def port_open(port: int) -> bool:
    with contextlib.closing(socket.socket()) as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None
        self.folder = Path(tempfile.mkdtemp(prefix=f"redis-{port}-"))

    def start(self) -> RedisServer:
        assert not port_open(self.port), f"port {self.port} is taken"
        self.process = subprocess.Popen(  # noqa: S603
            [  # noqa: S607
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), timeout=10, what=f"redis on {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        wait_for(lambda: not port_open(self.port), timeout=10, what="redis to stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresServer:
    """A cluster in a temporary folder, run as the postgres user, trusting local connections."""

    def __init__(self, port: int):
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix=f"pg-{port}-"))
        self.data = self.folder / "data"
        shutil.chown(self.folder, "postgres", "postgres")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(  # noqa: S603
            ["runuser", "-u", "postgres", "--", *command],  # noqa: S607
            check=True,
            capture_output=True,
        )

    def start(self) -> PostgresServer:
        assert not port_open(self.port), f"port {self.port} is taken"
        if not self.data.exists():
            self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust",
                              "-U", "postgres")  # fmt: skip
        self._pg_ctl(
            "start", "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        )
        return self

    def _pg_ctl(self, action: str, *options: str) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                          "-l", str(self.folder / "log"), action, *options)  # fmt: skip

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def createdb(self, name: str) -> None:
        subprocess.run(  # noqa: S603
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],  # noqa: S607
            check=True,
            capture_output=True,
        )

    def dropdb(self, name: str) -> None:
        subprocess.run(  # noqa: S603
            ["dropdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "--force", name],  # noqa: S607
            check=True,
            capture_output=True,
        )

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class Worker:
    """``celery -A portal worker --pool=prefork -c 1`` in its own process group."""

    def __init__(self, env: dict[str, str], log: Path, *, slow: bool = False):
        self.env = env
        self.log = log
        self.slow = slow
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        entry = (
            [sys.executable, str(Path(__file__).with_name("slow_worker.py"))]
            if self.slow
            else [sys.executable, "-m", "celery", "-A", "portal"]
        )
        handle = self.log.open("ab")
        offset = self.log.stat().st_size
        self.process = subprocess.Popen(  # noqa: S603
            [
                *entry,
                "worker",
                "--pool=prefork",
                "-c",
                "1",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"faults-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: "ready." in self.log.read_text(errors="replace")[offset:],
            timeout=120,
            what="the worker to be ready",
        )
        return self

    def children(self) -> list[int]:
        found = subprocess.run(  # noqa: S603
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        return [int(pid) for pid in found]

    def kill_child(self) -> int:
        (child,) = self.children()
        os.kill(child, signal.SIGKILL)
        return child

    def kill(self) -> None:
        """SIGKILL to the whole worker: main process and pool children."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None


def portal_env(**overrides: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "PWNED_PASSWORDS_URL": ""})
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}  # None: unset
