"""PostgreSQL restarted while the portal serves: the next request succeeds, because
persistent connections are checked before they are reused (``conn_health_checks``)."""

import json
import secrets
import subprocess
import sys
import urllib.request

import pytest

from tests.faults.services import ROOT, PostgresServer, port_open, portal_env, wait_for

pytestmark = pytest.mark.faults

PG_PORT = 5441
WEB_PORT = 8791


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer(PG_PORT).start()
    server.createdb("portal")
    yield server
    server.remove()


def _get(path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{WEB_PORT}{path}", timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_after_postgresql_restarts_the_next_request_succeeds(postgres, workdir):
    env = portal_env(
        DATABASE_URL=postgres.url("portal"),
        REDIS_URL=None,
        VAR_DIR=str(workdir),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        DB_CONN_MAX_AGE="600",  # one connection kept across requests, as in production
    )
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([*manage, *command, "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    assert not port_open(WEB_PORT)
    web = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{WEB_PORT}",
            "-w",
            "1",
            "--timeout",
            "60",
            "--error-logfile",
            str(workdir / "web.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(lambda: port_open(WEB_PORT), timeout=60, what="gunicorn")
        status, body = _get("/")
        assert status == 200
        assert _get("/healthz")[0] == 200

        postgres.restart()  # every connection the web process holds is now broken

        status, body = _get("/")
        assert status == 200, body[:500]
        status, body = _get("/healthz")
        assert status == 200
        assert json.loads(body)["database"] == "ok"
    finally:
        web.terminate()
        web.wait(timeout=30)
