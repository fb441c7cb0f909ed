"""``make backup`` then ``make restore`` after the database is dropped and the files deleted:
the figures reconcile and a document downloads with the same bytes."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.faults.services import ROOT, PostgresServer, portal_env

pytestmark = pytest.mark.faults

PG_PORT = 5442

# DEBUG=1 in these processes: the pages are rendered without collected static files.
# Run in a portal process: an open call, an association's draft with a document uploaded
# through the portal's view; prints what the test checks after the restore.
MAKE_APPLICATION = """
import hashlib, json
from django.test import Client
from tests.apply_helpers import fill, open_call, start
from tests.factories import MembershipFactory
membership = MembershipFactory()
client = Client()
client.force_login(membership.user)
application = fill(client, start(client, open_call(), membership.association))
document = application.documents.get()
print(json.dumps({
    "email": membership.user.email, "application": application.pk, "document": document.pk,
    "sha256": hashlib.sha256(document.file.read()).hexdigest(),
}))
"""

DOWNLOAD = """
import hashlib, json, sys
from django.test import Client
from django.urls import reverse
from portal.models import User
made = json.loads(sys.argv[1])
client = Client()
client.force_login(User.objects.get(email=made["email"]))
response = client.get(reverse("grants:document", args=[made["application"], made["document"]]))
body = b"".join(response.streaming_content) if response.status_code == 200 else b""
print(json.dumps({"status": response.status_code, "sha256": hashlib.sha256(body).hexdigest()}))
"""


def _python(env, code: str, *args: str) -> str:
    wrapped = "import django; django.setup()\n" + code
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", wrapped, *args],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _manage(env, *command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=check,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def postgres():
    server = PostgresServer(PG_PORT).start()
    server.createdb("portal")
    yield server
    server.remove()


@pytest.fixture
def sqlite_env(workdir):
    return portal_env(
        DATABASE_URL=None,
        REDIS_URL=None,
        VAR_DIR=str(workdir),
        DEBUG="1",
        ALLOWED_HOSTS="testserver",
    )


def _seed_backup_drop_restore(env, workdir, drop):
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo", "-v", "0")
    made = json.loads(_python(env, MAKE_APPLICATION).strip().splitlines()[-1])

    folder = _manage(env, "backup").stdout.strip().splitlines()[-1]
    manifest = json.loads((workdir / folder / "manifest.json").read_text())
    drop()
    shutil.rmtree(workdir / "media")
    restored = _manage(env, "restore", "--no-input", folder)

    assert restored.returncode == 0, restored.stderr
    reconcile = _manage(env, "reconcile", check=False)
    assert reconcile.returncode == 0, reconcile.stdout[-2000:] + reconcile.stderr[-2000:]
    downloaded = json.loads(_python(env, DOWNLOAD, json.dumps(made)).strip().splitlines()[-1])
    assert downloaded == {"status": 200, "sha256": made["sha256"]}
    return manifest


def test_backup_and_restore_on_postgresql(postgres, workdir):
    env = portal_env(
        DATABASE_URL=postgres.url("portal"),
        REDIS_URL=None,
        VAR_DIR=str(workdir),
        DEBUG="1",
        ALLOWED_HOSTS="testserver",
    )

    manifest = _seed_backup_drop_restore(env, workdir, lambda: postgres.dropdb("portal"))

    assert manifest["database"]["engine"] == "postgresql"
    assert len(manifest["database"]["sha256"]) == 64
    assert manifest["media"]["storage"] == "filesystem"


def test_backup_and_restore_on_sqlite(sqlite_env, workdir):
    manifest = _seed_backup_drop_restore(sqlite_env, workdir, (workdir / "portal.sqlite3").unlink)

    assert manifest["database"]["engine"] == "sqlite"


def test_a_damaged_backup_is_refused_before_anything_is_touched(sqlite_env, workdir):
    _manage(sqlite_env, "migrate", "--noinput", "-v", "0")
    (workdir / "media").mkdir()
    (workdir / "media" / "kept.txt").write_text("kept")
    folder = workdir / _manage(sqlite_env, "backup").stdout.strip().splitlines()[-1]
    with (folder / "database.sqlite3").open("ab") as dump:
        dump.write(b"damage")

    refused = _manage(sqlite_env, "restore", "--no-input", str(folder), check=False)

    assert refused.returncode == 1
    assert "does not match the manifest" in refused.stderr
