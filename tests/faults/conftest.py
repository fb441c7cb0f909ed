"""Fixtures of the fault tests: a throw-away Redis the tests may stop, the test process's
Celery app pointed at it, and the environment of worker processes sharing the test database."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from tests.faults.services import RedisServer, portal_env

REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6391"))
STALE_SECONDS = 4  # a bilan's worker silent this long is taken for dead


def pytest_collection_modifyitems(items):
    # This hook sees every collected test, not only this folder's: mark only the fault tests.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            # real workers and processes: never run eagerly in the test's process
            item.add_marker(pytest.mark.celery)


@pytest.fixture
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL on PostgreSQL: worker processes share the test database")


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer(REDIS_PORT).start()
    yield server
    server.remove()


@pytest.fixture
def broker(redis_server, settings):
    """The test process publishes to the throw-away Redis, like the web process would."""
    from portal.celery import app

    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = settings.CELERY_BROKER_URL = redis_server.url
    app.conf.task_always_eager = False
    _reset_pools(app)
    yield redis_server
    app.conf.broker_url, app.conf.task_always_eager = previous
    _reset_pools(app)


def _reset_pools(app):
    from kombu import pools

    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()  # connections of the previous broker URL are not reused


@pytest.fixture
def workdir(settings):
    """A folder of the test's own, out of pytest's shared temporary root (which concurrent
    pytest runs prune), holding the media folder of the test and of its processes."""
    from tests.conftest import media_storages

    folder = Path(tempfile.mkdtemp(prefix="portal-faults-"))
    settings.MEDIA_ROOT = folder / "media"
    settings.STORAGES = media_storages(settings.STORAGES, settings.MEDIA_ROOT)
    yield folder
    for log in folder.glob("*.log"):  # shown by pytest when the test failed
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-60:])
        print(f"--- {log.name}\n{tail}")  # noqa: T201
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def worker_env(broker, workdir, settings):
    """What a worker process needs to share this test's database, Redis, files and mail."""
    tmp_path = workdir
    settings.REPORT_JOB_STALE_SECONDS = STALE_SECONDS  # what the pages and requeue use
    db = connection.settings_dict
    (tmp_path / "mail").mkdir()
    return portal_env(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        REDIS_URL=broker.url,
        VAR_DIR=str(tmp_path),  # its media folder is tmp_path/media, the test's too
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        REPORT_JOB_HEARTBEAT_SECONDS="1",
        REPORT_JOB_STALE_SECONDS=str(STALE_SECONDS),
    )


@pytest.fixture
def start_worker(worker_env, workdir):
    """``start_worker()`` starts a worker process (a slow one with ``slow=True``); every
    worker started is killed at the end of the test, whatever happened."""
    from tests.faults.services import Worker

    started = []

    def start(*, slow: bool = False):
        worker = Worker(worker_env, workdir / "worker.log", slow=slow)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.kill()
