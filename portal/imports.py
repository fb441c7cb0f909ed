"""Spreadsheet imports in the admin: checked before they are parsed, run as background jobs.

An XLSX file is a ZIP archive: a few hundred kilobytes can expand to gigabytes (a "ZIP
bomb"), and a sheet can declare a million rows. Before anything parses a file,
``check_import_file`` reads only the archive's directory and streams its members with a
bounded buffer:

- the sum of the members' uncompressed sizes, declared and actually read, is at most
  ``IMPORT_MAX_UNCOMPRESSED_BYTES``; no member expands more than ``MAX_COMPRESSION_RATIO``
  times; the archive has at most ``MAX_ARCHIVE_MEMBERS`` members;
- a sheet has at most ``IMPORT_MAX_ROWS`` rows, by its ``<dimension ref>`` when it has one and
  by counting its ``<row>`` elements while streaming (stopping at the limit);
- a CSV file is at most ``IMPORT_MAX_UNCOMPRESSED_BYTES`` and ``IMPORT_MAX_ROWS`` lines.

A file within the limits is kept privately in an ``ImportJob``; a Celery job reads it (XLSX in
openpyxl's read-only mode), runs django-import-export's dry run and records the per-row errors;
once an administrator confirms, a second job imports it for real. The admin page polls the
job's progress.
"""

import logging
import re
import struct
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.formats import number_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from portal.signals import import_done

logger = logging.getLogger(__name__)

MAX_ARCHIVE_MEMBERS = 500
MAX_COMPRESSION_RATIO = 200  # for members over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024
# Rows and errors kept for the page of a job.
SHOWN_ROWS = 100
SHOWN_ERRORS = 200

DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


class ImportRefused(Exception):
    """The file is over a limit or unreadable; ``message`` says why, for the administrator."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    uncompressed: int
    rows: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(settings.IMPORT_MAX_UNCOMPRESSED_BYTES, settings.IMPORT_MAX_ROWS)


def _too_big(size: int, limit: int) -> ImportRefused:
    return ImportRefused(
        _(
            "This file expands to %(size)s once uncompressed; an import is limited to "
            "%(limit)s. Split it into smaller files."
        )
        % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    )


def _too_many_rows(limit: int) -> ImportRefused:
    return ImportRefused(
        _("This file has more than %(limit)s rows; split it into files of at most %(limit)s rows.")
        % {"limit": number_format(limit, force_grouping=True)}
    )


def _unreadable(kind: str) -> ImportRefused:
    return ImportRefused(
        _("This file could not be read as %(kind)s. Check the format chosen for it.")
        % {"kind": kind}
    )


def _archive_member_count(fileobj) -> int | None:
    """The number of members the archive's end record announces, read before ``zipfile``
    builds its directory (``None`` for a ZIP64 archive, whose count is elsewhere)."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    tail_size = min(size, 22 + 65535)
    fileobj.seek(size - tail_size)
    tail = fileobj.read(tail_size)
    fileobj.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise _unreadable("XLSX")
    (count,) = struct.unpack("<H", tail[at + 10 : at + 12])
    return None if count == 0xFFFF else count


def check_xlsx(fileobj, limits: Limits | None = None) -> int:
    """Refuse an XLSX over the limits (``ImportRefused``); return its number of rows.

    Memory stays bounded by a few chunks, whatever the archive says or holds.
    """
    limits = limits or Limits.from_settings()
    count = _archive_member_count(fileobj)
    if count is not None and count > MAX_ARCHIVE_MEMBERS:
        raise ImportRefused(
            _("This file holds %(count)s parts; a spreadsheet to import holds at most %(limit)s.")
            % {"count": count, "limit": MAX_ARCHIVE_MEMBERS}
        )
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable("XLSX") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise ImportRefused(
                _(
                    "This file holds %(count)s parts; a spreadsheet to import holds at most "
                    "%(limit)s."
                )
                % {"count": len(members), "limit": MAX_ARCHIVE_MEMBERS}
            )
        declared = sum(member.file_size for member in members)
        if declared > limits.uncompressed:
            raise _too_big(declared, limits.uncompressed)
        for member in members:
            if member.file_size > RATIO_FLOOR and member.file_size > MAX_COMPRESSION_RATIO * max(
                member.compress_size, 1
            ):
                raise ImportRefused(
                    _(
                        "This file is compressed %(ratio)s times, far more than a real "
                        "spreadsheet: it is refused."
                    )
                    % {"ratio": member.file_size // max(member.compress_size, 1)}
                )
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names:
            raise _unreadable("XLSX")
        return _stream_members(archive, members, limits)


def _stream_members(archive, members, limits: Limits) -> int:
    """Read every member in chunks: the sizes actually read count, not only the declared
    ones; sheets' rows are counted on the way."""
    read = 0
    rows = 0
    for member in members:
        is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
        sheet_rows = 0
        carry = b""
        first = True
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    read += len(chunk)
                    if read > limits.uncompressed:
                        raise _too_big(read, limits.uncompressed)
                    if not is_sheet:
                        continue
                    if first:
                        first = False
                        dimension = DIMENSION.search(chunk)
                        if dimension and int(dimension.group(1)) > limits.rows + 1:
                            raise _too_many_rows(limits.rows)
                    window = carry + chunk
                    sheet_rows += len(ROW_TAG.findall(window))
                    # a tag cut between two chunks is counted once: keep the tail that
                    # cannot hold a whole tag
                    carry = window[-8:]
                    sheet_rows -= len(ROW_TAG.findall(carry))
                    if sheet_rows > limits.rows + 1:  # the header row is not counted
                        raise _too_many_rows(limits.rows)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            raise _unreadable("XLSX") from None
        rows = max(rows, sheet_rows)
    return max(rows - 1, 0)


def check_csv(fileobj, limits: Limits | None = None) -> int:
    """Refuse a CSV over the size or line limit; return its number of data lines."""
    limits = limits or Limits.from_settings()
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > limits.uncompressed:
        raise _too_big(size, limits.uncompressed)
    lines = 0
    last = b"\n"
    while chunk := fileobj.read(CHUNK):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
        if lines > limits.rows + 1:
            raise _too_many_rows(limits.rows)
    fileobj.seek(0)
    if last != b"\n":
        lines += 1
    if lines > limits.rows + 1:
        raise _too_many_rows(limits.rows)
    return max(lines - 1, 0)


def format_key(input_format) -> str:
    return type(input_format).__name__.lower()


def check_import_file(fileobj, fmt: str, limits: Limits | None = None) -> int:
    if fmt == "xlsx":
        return check_xlsx(fileobj, limits)
    if fmt == "csv":
        return check_csv(fileobj, limits)
    raise ImportRefused(_("Only XLSX and CSV files can be imported."))


def read_dataset(fileobj, fmt: str, *, encoding: str = "utf-8-sig", limits=None):
    """The file's first sheet (XLSX: the active one) as a ``tablib.Dataset``, reading at most
    ``IMPORT_MAX_ROWS`` rows (XLSX in openpyxl's read-only mode)."""
    import tablib

    limits = limits or Limits.from_settings()
    check_import_file(fileobj, fmt, limits)
    fileobj.seek(0)
    if fmt == "csv":
        from import_export.formats.base_formats import CSV

        try:
            text = fileobj.read().decode(encoding)
        except UnicodeDecodeError:
            raise ImportRefused(
                _("This CSV file is not in UTF-8: save it again as “CSV UTF-8”.")
            ) from None
        return CSV(encoding=encoding).create_dataset(text)
    import openpyxl

    try:
        book = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        logger.info("unreadable XLSX import", exc_info=True)
        raise _unreadable("XLSX") from None
    try:
        rows = book.active.iter_rows(values_only=True)
        dataset = tablib.Dataset()
        header = next(rows, None)
        if header is None:
            return dataset
        dataset.headers = list(header)
        for number, row in enumerate(rows, 1):
            if number > limits.rows:
                raise _too_many_rows(limits.rows)
            if all(value is None for value in row):
                continue
            dataset.append(list(row)[: len(header)] + [None] * (len(header) - len(row)))
        return dataset
    finally:
        book.close()


# --- Jobs -------------------------------------------------------------------------------------


def progress_key(job_id: int) -> str:
    return f"import-job-{job_id}-rows"


def current_progress(job) -> int:
    """Rows handled so far: the running job writes them to the cache, outside its transaction."""
    if job.status in (job.Status.CHECKING, job.Status.IMPORTING):
        return min(cache.get(progress_key(job.pk)) or 0, job.total_rows or 0)
    return job.total_rows


def summarise(result) -> dict:
    """What the job's page shows of an import-export ``Result``: JSON only."""
    from django.core.exceptions import NON_FIELD_ERRORS

    row_errors = [
        {"row": number, "messages": [str(error.error) for error in errors]}
        for number, errors in result.row_errors()
    ]
    invalid = []
    for row in result.invalid_rows:
        messages = []
        for field, field_messages in row.error_dict.items():
            prefix = "" if field == NON_FIELD_ERRORS else f"{field} : "
            messages.extend(f"{prefix}{message}" for message in field_messages)
        invalid.append({"row": row.number, "messages": messages})
    errors = sorted(row_errors + invalid, key=lambda item: item["row"])
    return {
        "totals": {key: value for key, value in result.totals.items() if value},
        "base_errors": [str(error.error) for error in result.base_errors],
        "errors": errors[:SHOWN_ERRORS],
        "error_count": len(errors),
        "rows": [
            {"row": number, "type": row.import_type, "object": row.object_repr or ""}
            for number, row in enumerate(result.rows[:SHOWN_ROWS], 1)
        ],
        "row_count": len(result.rows),
    }


def _counting(resource, job_id: int):
    """Make ``resource.import_row`` record every 25th row in the cache, for the progress bar."""
    original = resource.import_row
    seen = {"rows": 0}

    def import_row(row, instance_loader, **kwargs):
        outcome = original(row, instance_loader, **kwargs)
        seen["rows"] += 1
        if seen["rows"] % 25 == 0:
            cache.set(progress_key(job_id), seen["rows"], 3600)
        return outcome

    resource.import_row = import_row


def run(job, *, confirm: bool) -> None:
    """Dry run (``confirm=False``) or real import of a job in the CHECKING / IMPORTING state."""
    from portal.models import ImportJob
    from portal.workflow import transition

    status = ImportJob.Status
    expected = status.IMPORTING if confirm else status.CHECKING
    if job.status != expected:
        logger.info("import job %s is %s, not %s: nothing to do", job.pk, job.status, expected)
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as handle:
                dataset = read_dataset(handle, job.format)
        except ImportRefused as refused:
            transition(job, status.REFUSED, updates={"message": refused.message})
            _forget_file(job)
            return
        if not confirm:
            job.total_rows = len(dataset)
            job.save(update_fields=["total_rows"])
        resource = import_string(job.resource)()
        _counting(resource, job.pk)
        result = resource.import_data(
            dataset,
            dry_run=not confirm,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            file_name=job.original_name,
            user=job.created_by,
        )
        summary = summarise(result)
        failed = result.has_errors() or result.has_validation_errors()
        if not confirm:
            transition(job, status.INVALID if failed else status.READY, updates={"result": summary})
            if failed:
                _forget_file(job)
            return
        if failed:  # the data changed since the dry run; import-export rolled everything back
            transition(job, status.FAILED, updates={"result": summary})
        else:
            _log_entries(job, result)
            transition(job, status.DONE, updates={"result": summary})
            import_done.send(sender=type(job), job=job, summary=summary)
        _forget_file(job)


def _log_entries(job, result) -> None:
    """The admin's history records what the import added, changed or deleted."""
    from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from import_export.results import RowResult

    flags = {
        RowResult.IMPORT_TYPE_NEW: ADDITION,
        RowResult.IMPORT_TYPE_UPDATE: CHANGE,
        RowResult.IMPORT_TYPE_DELETE: DELETION,
    }
    if job.created_by_id is None:
        return
    content_type = ContentType.objects.get_by_natural_key(*job.model.split("."))
    entries = [
        LogEntry(
            user_id=job.created_by_id,
            content_type_id=content_type.pk,
            object_id=str(row.object_id),
            object_repr=(row.object_repr or "")[:200],
            action_flag=flags[row.import_type],
            change_message=_("Imported from %(name)s") % {"name": job.original_name},
        )
        for row in result.rows
        if row.import_type in flags and row.object_id is not None
    ]
    LogEntry.objects.bulk_create(entries, batch_size=500)


def _forget_file(job) -> None:
    if job.file:
        try:
            job.file.delete(save=False)
        except OSError:
            logger.warning("import job %s: file not deleted", job.pk, exc_info=True)
    type(job).objects.filter(pk=job.pk).update(file="")
