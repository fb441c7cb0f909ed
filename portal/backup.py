"""Backup and restore of the portal's data: the database and the uploaded files.

A backup is a folder ``var/backups/<timestamp>/`` holding the database (PostgreSQL: a
``pg_dump`` custom-format archive; SQLite: a copy made with SQLite's backup API), a tar of the
media folder, and ``manifest.json`` with the SHA-256 of each part. With files in an S3 bucket
(``AWS_STORAGE_BUCKET_NAME``), the manifest says so: the bucket is versioned and backed up on
its own side, not copied here.

A restore checks every part against the manifest before touching anything, then restores the
database into ``DATABASE_URL`` (existing objects dropped first: ``pg_restore --clean
--if-exists --no-owner``; the database is created when it does not exist) and unpacks the
files into the media folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _database() -> dict:
    return settings.DATABASES["default"]


def _is_postgres(db: dict) -> bool:
    return "postgresql" in db["ENGINE"]


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    env["PGDATABASE"] = db["NAME"]
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


def _media_root() -> Path | None:
    """The media folder, or ``None`` when files are in an S3 bucket."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def backup(*, into: Path | None = None) -> Path:
    """Write a backup folder and return its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = (into or Path(settings.VAR_DIR) / "backups") / stamp
    folder.mkdir(parents=True, exist_ok=False)
    db = _database()
    manifest: dict = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat()}

    if _is_postgres(db):
        dump = folder / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}"], _pg_env(db))
        manifest["database"] = {"engine": "postgresql", "file": dump.name}
    else:
        dump = folder / "database.sqlite3"
        connections["default"].close()
        source = sqlite3.connect(db["NAME"])
        target = sqlite3.connect(dump)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
        manifest["database"] = {"engine": "sqlite", "file": dump.name}
    manifest["database"]["sha256"] = sha256(dump)

    media = _media_root()
    if media is None:
        manifest["media"] = {
            "storage": "s3",
            "bucket": settings.AWS_STORAGE_BUCKET_NAME,
            "note": "files stay in the bucket, which is versioned and backed up on its own",
        }
    else:
        archive = folder / "media.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            if media.exists():
                tar.add(media, arcname="media")
        manifest["media"] = {"storage": "filesystem", "file": archive.name}
        manifest["media"]["sha256"] = sha256(archive)

    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def verify(folder: Path) -> dict:
    """The manifest, once every part it lists has the SHA-256 it records."""
    path = folder / MANIFEST
    if not path.exists():
        raise BackupError(f"no {MANIFEST} in {folder}")
    manifest = json.loads(path.read_text())
    for part in ("database", "media"):
        entry = manifest.get(part, {})
        if "file" not in entry:
            continue
        file = folder / entry["file"]
        if not file.exists():
            raise BackupError(f"{file.name} is missing from {folder}")
        if sha256(file) != entry["sha256"]:
            raise BackupError(f"{file.name} does not match the manifest: the backup is damaged")
    return manifest


def restore(folder: Path) -> dict:
    """Restore the database and the media of a backup folder; returns its manifest."""
    manifest = verify(folder)
    db = _database()
    part = manifest["database"]
    if _is_postgres(db) != (part["engine"] == "postgresql"):
        raise BackupError(
            f"the backup holds a {part['engine']} database; DATABASE_URL is {db['ENGINE']}"
        )
    connections.close_all()
    if _is_postgres(db):
        env = _pg_env(db)
        created = subprocess.run(  # noqa: S603
            ["createdb", db["NAME"]],  # noqa: S607
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if created.returncode != 0 and "already exists" not in created.stderr:
            raise BackupError(f"createdb failed: {created.stderr.strip()}")
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={db['NAME']}",
                str(folder / part["file"]),
            ],
            env,
        )
    else:
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(folder / part["file"])
        target = sqlite3.connect(db["NAME"])
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()

    media = manifest.get("media", {})
    if media.get("storage") == "filesystem":
        root = _media_root()
        if root is None:
            raise BackupError("the backup holds media files but the portal stores them in S3")
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / media["file"], "r:gz") as tar:
            staging = root.parent / f".{root.name}-restoring"
            shutil.rmtree(staging, ignore_errors=True)
            tar.extractall(staging, filter="data")
            for item in (staging / "media").iterdir() if (staging / "media").exists() else ():
                target = root / item.name
                if item.is_dir():
                    shutil.copytree(item, target, dirs_exist_ok=True)
                else:
                    shutil.copy2(item, target)
            shutil.rmtree(staging, ignore_errors=True)
    return manifest
