"""What the end-to-end journey needs besides the browser: small valid files to upload, the
e-mails the portal wrote (file e-mail backend), the logs, and the background work left over."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


# --- Files to upload -------------------------------------------------------------------------


def pdf_bytes(text: str = "Document") -> bytes:
    """A one-page PDF with a line of text, its cross-reference table computed."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    """A small grey PNG (a photographed receipt, say)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def rib_with_key(first_22_digits: str) -> str:
    """A Moroccan RIB whose check key is right (97 - digits × 100 mod 97)."""
    return first_22_digits + f"{97 - (int(first_22_digits) * 100) % 97:02d}"


# --- E-mails ---------------------------------------------------------------------------------


def read_mails(folder: str | Path) -> list[email.message.EmailMessage]:
    """Every message Django's file e-mail backend wrote in ``folder`` (one file per connection,
    messages separated by a line of 79 dashes)."""
    messages = []
    for path in sorted(Path(folder).glob("*.log")):
        for chunk in re.split(rb"\r?\n-{79}\r?\n", path.read_bytes()):
            if chunk.strip():
                messages.append(
                    email.message_from_bytes(chunk.strip(b"\r\n"), policy=email.policy.default)
                )
    return messages


def text_of(message: email.message.EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    return body.get_content() if body is not None else ""


def wait_for_mail(folder, predicate, *, timeout: float = 60) -> email.message.EmailMessage:
    deadline = time.monotonic() + timeout
    while True:
        for message in read_mails(folder):
            if predicate(message):
                return message
        if time.monotonic() > deadline:
            subjects = [str(m["Subject"]) for m in read_mails(folder)]
            raise AssertionError(f"no such e-mail in {folder} after {timeout}s; got {subjects}")
        time.sleep(0.5)


# --- Logs ------------------------------------------------------------------------------------


def log_offsets(folder: str | Path) -> dict[Path, int]:
    """Where every log file ends now: only what is written after counts for this run."""
    return {path: path.stat().st_size for path in Path(folder).rglob("*") if path.is_file()}


def tracebacks_since(folder: str | Path, offsets: dict[Path, int]) -> list[str]:
    found = []
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file() or path.suffix in {".png", ".pdf", ".xlsx", ".pid"}:
            continue
        with path.open("rb") as handle:
            handle.seek(offsets.get(path, 0))
            text = handle.read().decode("utf-8", "replace")
        start = text.find("Traceback")
        if start >= 0:
            found.append(f"{path}:\n{text[max(start - 400, 0) : start + 3000]}")
    return found


# --- Background work left over ---------------------------------------------------------------

PENDING_SCRIPT = r"""
import json
from django.apps import apps
from django.db.models import Q
from grants.models import ApplicationSubmission, Grant
from conventions.models import Convention
from reports.models import ReportJob

left = []
for job in ReportJob.objects.exclude(status="done"):
    left.append(f"bilan job {job.pk} is {job.status} {job.error[:300]}".strip())
for submission in ApplicationSubmission.objects.filter(receipt=""):
    left.append(f"receipt of {submission.snapshot.get('reference')} v{submission.number} not made")
for grant in Grant.objects.filter(status="pending_signature", convention=None):
    left.append(f"grant {grant.reference} awaits its convention (never prepared)")
for convention in Convention.objects.filter(kind="grant", generated_pdf=""):
    left.append(f"convention {convention.reference} has no PDF")
try:
    Outbox = apps.get_model("portal", "OutboxMessage")
except LookupError:
    Outbox = None
if Outbox is not None:
    # never handed to the broker, or started once (run_once) and never finished
    for message in Outbox.objects.filter(
        Q(published_at=None) | Q(started_at__isnull=False, done_at=None)
    ):
        left.append(f"outbox {message.task} {message.task_id}: {message.last_error[:300]}")
print(json.dumps(left))
"""


def pending_work() -> list[str]:
    """Bilan jobs not done, receipts not made, grants not prepared, outbox rows not done — read
    from the portal's own database (``DATABASE_URL``) by its own models."""
    result = subprocess.run(  # noqa: S603 - this interpreter and the portal's manage.py
        [sys.executable, "manage.py", "shell", "-c", PENDING_SCRIPT],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        return [f"could not read the pending work: {result.stderr[-2000:]}"]
    return json.loads(result.stdout.strip().splitlines()[-1])


def queued_tasks(redis_url: str) -> int:
    """Messages waiting in the Celery queue or delivered but not acknowledged."""
    import redis

    client = redis.Redis.from_url(redis_url)
    return int(client.llen("celery")) + int(client.hlen("unacked"))


def wait_until_idle(redis_url: str | None, *, timeout: float = 90) -> list[str]:
    """Wait for the worker to finish what it was given; return what is still left."""
    deadline = time.monotonic() + timeout
    while True:
        queued = queued_tasks(redis_url) if redis_url else 0
        left = pending_work()
        if not queued and not left:
            return []
        if time.monotonic() > deadline:
            return left + (
                [f"{queued} Celery message(s) still queued or unacknowledged"] if queued else []
            )
        time.sleep(2)
