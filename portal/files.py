"""Uploaded files: type recognised by content, size and count limits, safe stored names,
and serving through views that have checked who asks (never from a public URL)."""

import logging
import mimetypes
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.signals import document_served

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED_TYPES = {PDF: "pdf", JPEG: "jpg", PNG: "png", XLSX: "xlsx", DOCX: "docx"}

logger = logging.getLogger(__name__)

# When the storage refuses a file (disk full, bucket unreachable); the upload's transaction
# is rolled back, so nothing of it is kept.
STORAGE_FAILED = gettext_lazy(
    "The file could not be saved. Nothing was changed: try again in a few minutes, and tell "
    "the ministry if it fails again."
)


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    original_name: str


def with_extension(filename: str, extension: str) -> str:
    """``<stem>.<extension>``: the name's own extension, whatever it was, replaced by the one of
    the file's detected type (``setup.exe`` holding a PDF is ``setup.pdf``)."""
    name = PurePath(filename or "").name
    stem = (name.rsplit(".", 1)[0] if "." in name else name).strip(". ")
    return f"{(stem or 'file')[: 250 - len(extension)]}.{extension}"


def safe_upload_path(folder: str, filename: str) -> str:
    """``folder/2026/11/<random>-<cleaned name>``: unguessable, no path tricks, no clashes."""
    stem = get_valid_filename(PurePath(filename).name)[:80] or "file"
    now = timezone.now()
    return f"{folder}/{now:%Y/%m}/{secrets.token_hex(8)}-{stem}"


def _office_type(upload) -> str | None:
    """XLSX and DOCX are ZIP archives: look inside for the part that tells which."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return XLSX
    if "word/document.xml" in names:
        return DOCX
    return None


def sniff_content_type(upload) -> str | None:
    """The type of the file's bytes, whatever its name or the browser's claim."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime == "application/zip" or kind.extension in {"zip", "xlsx", "docx"}:
        return _office_type(upload)
    if kind.mime == PDF and not head.startswith(b"%PDF-"):
        return None
    return kind.mime


def validate_upload(upload, *, max_bytes: int | None = None) -> CheckedUpload:
    """Refuse a file that is too large or whose content is not an allowed type.

    Raises ``ValidationError`` with a message for the person who sent it; stores nothing.
    """
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    name = PurePath(upload.name or "file").name
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s per file.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    content_type = sniff_content_type(upload)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, JPEG, PNG, XLSX or DOCX file (its content was checked, "
                "not its name)."
            )
            % {"name": name},
            code="file_type",
        )
    extension = ALLOWED_TYPES[content_type]
    renamed = with_extension(name, extension)
    upload.name = renamed  # stored under the detected type's extension too
    return CheckedUpload(
        content_type=content_type,
        extension=extension,
        size=upload.size,
        original_name=renamed,
    )


def stored(upload, *, by) -> dict:
    """The fields of a ``StoredFile`` for an upload ``validate_upload`` has checked."""
    checked = upload.checked
    return {
        "file": upload,
        "original_name": checked.original_name,
        "content_type": checked.content_type,
        "size": checked.size,
        "uploaded_by": by,
    }


def validate_upload_count(files, *, already: int = 0) -> None:
    if already + len(files) > settings.UPLOAD_MAX_FILES:
        raise ValidationError(
            _("At most %(count)d files can be attached.") % {"count": settings.UPLOAD_MAX_FILES},
            code="too_many_files",
        )


def _served_type(handle, content_type: str | None) -> tuple[str, str]:
    """The content type and extension a stored file is served with: those of its bytes when
    they are a known type, otherwise the type the caller gives, else an opaque download."""
    try:
        detected = sniff_content_type(handle)
    except (OSError, ValueError):
        detected = None
    if detected in ALLOWED_TYPES:
        return detected, ALLOWED_TYPES[detected]
    if content_type and content_type not in ALLOWED_TYPES:
        extension = mimetypes.guess_extension(content_type.split(";")[0].strip())
        if extension:
            return content_type, extension.lstrip(".")
    return "application/octet-stream", "bin"


def serve_file(
    field_file,
    *,
    filename: str,
    content_type: str | None = None,
    inline=False,
    request=None,
    document=None,
):
    """Stream a stored file to a user the calling view has already authorised.

    The file is named and typed after its content, never after the name it was sent with:
    ``<stem>.<detected extension>``, the detected content type, and ``nosniff``.

    A view serving a document that holds personal data passes the ``request`` and the
    ``document`` (the row the file belongs to): ``portal.signals.document_served`` is sent once
    the file opens, and the audit log records the download when the reader is on the
    ministry's side.
    """
    if not field_file:
        from django.http import Http404

        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        from django.http import Http404

        logger.error("Stored file missing from the storage: %s", field_file.name)
        raise Http404 from None
    content_type, extension = _served_type(handle, content_type)
    if document is not None and request is not None:
        document_served.send(
            sender=type(document), request=request, document=document, filename=filename
        )
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=with_extension(filename, extension),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
