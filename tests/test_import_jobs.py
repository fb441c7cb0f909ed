"""Admin imports: files over the limits are refused before being parsed, with bounded memory;
the others go through a background dry run (row errors shown), then a confirmed import."""

import io
import struct
import tracemalloc
import zipfile
import zlib

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations.models import Association
from portal import imports
from portal.models import ImportJob
from tests.factories import ProvinceFactory
from tests.pages import page

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:associations_association_import"
HEADER = ["registration_number", "name_fr", "region", "province", "rib"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_END = b"</sheetData></worksheet>"


# --- Files --------------------------------------------------------------------------------


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP archive of already deflated members: (name, deflated bytes, crc, size)."""
    out = io.BytesIO()
    directory = []
    for name, data, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0
            )
            + encoded
            + data
        )
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in directory:
        out.write(entry)
    out.write(
        struct.pack(
            "<IHHHHIIH",
            0x06054B50,
            0,
            0,
            len(directory),
            len(directory),
            out.tell() - start,
            start,
            0,
        )
    )
    return out.getvalue()


def _deflated(name: str, content: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return name, data, zlib.crc32(content), len(content)


def _workbook_parts() -> dict[str, bytes]:
    """The parts of a real one-sheet workbook, made by openpyxl."""
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """An XLSX of about 2 MB whose sheet expands to 520 MiB of rows."""
    row = (
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>REC-1</t></is></c>'
        b'<c r="B2" t="inlineStr"><is><t>Association</t></is></c></row>'
    )
    chunk = row * (1024 * 1024 // len(row))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # After a full flush the compressor starts afresh: the same chunk deflates to the same
    # bytes every time, so 520 copies cost one compression.
    head = compressor.compress(SHEET_START) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(SHEET_END) + compressor.flush()
    copies = 520
    crc = zlib.crc32(SHEET_START)
    for _ in range(copies):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(SHEET_END, crc)
    size = len(SHEET_START) + copies * len(chunk) + len(SHEET_END)
    members = [
        _deflated(name, content)
        for name, content in _workbook_parts().items()
        if name != "xl/worksheets/sheet1.xml"
    ]
    members.append(("xl/worksheets/sheet1.xml", head + block * copies + tail, crc, size))
    return _zip(members)


def _xlsx(rows, *, dimension: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    parts = {}
    with zipfile.ZipFile(buffer) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    start = sheet_xml.index(b"<dimension")
    end = sheet_xml.index(b"/>", start) + 2
    parts["xl/worksheets/sheet1.xml"] = (
        sheet_xml[:start] + f'<dimension ref="{dimension}"/>'.encode() + sheet_xml[end:]
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _submit(client, url, data, *, follow=True):
    """POST, run what the request left to run after its commit (the background job, eager in
    tests), then follow the redirection."""
    with client.capture_on_commit(execute=True):
        response = client.post(url, data)
    if follow and response.status_code == 302:
        page = client.get(response["Location"])
        page.redirect_url = response["Location"]
        return page
    return response


def _post(client, content: bytes, *, name="associations.xlsx", fmt="0", follow=True):
    upload = SimpleUploadedFile(name, content, content_type=XLSX_TYPE)
    return _submit(
        client,
        reverse(IMPORT_URL),
        {"import_file": upload, "format": fmt, "resource": "0"},  # formats: 0 XLSX, 1 CSV
        follow=follow,
    )


def _csv(rows) -> bytes:
    return ("\n".join([",".join(HEADER), *(",".join(row) for row in rows)]) + "\n").encode()


@pytest.fixture
def admin_client(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    client.capture_on_commit = django_capture_on_commit_callbacks
    return client


# --- Refusals -------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_parsing_with_bounded_memory(admin_client, bomb, monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    assert len(bomb) < 3 * 1024 * 1024

    tracemalloc.start()
    try:
        response = _post(admin_client, bomb, follow=False)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    content = page(response)
    assert response.status_code == 200
    assert "une fois décompressé" in content
    assert "Ce fichier occupe 520,0 Mio une fois décompressé" in content
    # the whole request (the 2 MiB upload, templates compiled on first use), far from 520 MiB
    assert peak < 32 * 1024 * 1024, peak
    assert not ImportJob.objects.exists()
    assert not Association.objects.exists()


def test_the_bomb_is_refused_by_the_check_alone_quickly(bomb):
    tracemalloc.start()
    try:
        with pytest.raises(imports.ImportRefused):
            imports.check_xlsx(io.BytesIO(bomb))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 2 * 1024 * 1024, peak


def test_a_member_whose_size_lies_is_measured_while_streaming(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    sheet = SHEET_START + b"<row/>" * 400_000 + SHEET_END  # 2.4 MB once uncompressed
    members = [
        _deflated(name, content)
        for name, content in _workbook_parts().items()
        if name != "xl/worksheets/sheet1.xml"
    ]
    name, data, crc, _size = _deflated("xl/worksheets/sheet1.xml", sheet)
    members.append((name, data, crc, 1000))  # says 1000 bytes

    with pytest.raises(imports.ImportRefused):
        imports.check_xlsx(io.BytesIO(_zip(members)))


def test_too_many_rows_by_the_sheet_dimension(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [[f"REC-{n}", "Association", "", "", ""] for n in range(10)]

    response = _post(admin_client, _xlsx(rows))

    assert "plus de 5 lignes" in page(response)
    assert not ImportJob.objects.exists()


def test_too_many_rows_under_a_lying_dimension_are_counted(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [[f"REC-{n}", "Association", "", "", ""] for n in range(10)]

    response = _post(admin_client, _xlsx(rows, dimension="A1:E2"))

    assert "plus de 5 lignes" in page(response)
    assert not ImportJob.objects.exists()


def test_a_csv_over_the_row_or_size_limit_is_refused(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [(f"REC-{n}", "Association", "", "", "") for n in range(10)]

    too_long = _post(admin_client, _csv(rows), name="a.csv", fmt="1")
    settings.IMPORT_MAX_ROWS = 1000
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 100
    too_big = _post(admin_client, _csv(rows), name="a.csv", fmt="1")

    assert "plus de 5 lignes" in page(too_long)
    assert "une fois décompressé" in page(too_big)
    assert not ImportJob.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(admin_client):
    response = _post(admin_client, b"%PDF-1.4 not a workbook")

    assert "n'a pas pu être lu comme XLSX" in page(response)
    assert not ImportJob.objects.exists()


# --- Jobs ------------------------------------------------------------------------------------


def test_row_errors_are_shown_after_the_dry_run_and_nothing_is_imported(admin_client):
    province = ProvinceFactory()
    rows = [
        ("REC-1", "Association Nour", province.region.code, province.code, ""),
        ("REC-2", "Association Amal", "XX-UNKNOWN", province.code, ""),
    ]

    response = _post(admin_client, _csv(rows), name="associations.csv", fmt="1")

    content = page(response)
    job = ImportJob.objects.get()
    assert response.redirect_url == reverse(
        "admin:associations_association_import_job", args=[job.pk]
    )
    assert job.status == ImportJob.Status.INVALID
    assert "Région introuvable pour le code « XX-UNKNOWN »." in content
    assert 'name="confirm"' not in content
    assert not Association.objects.exists()
    assert not job.file  # the file is not kept once it cannot be imported


def test_a_good_xlsx_is_dry_run_then_imported_once_confirmed(admin_client, admin_user):
    province = ProvinceFactory()
    rows = [
        ["REC-7", "Association Tadamoun", province.region.code, province.code, None],
        ["REC-8", "Association Wifaq", province.region.code, province.code, None],
    ]

    dry_run = _post(admin_client, _xlsx(rows))

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY
    assert job.total_rows == 2
    assert job.file.name.startswith("imports/")
    assert "Association Tadamoun" in page(dry_run)
    assert 'name="confirm"' in page(dry_run)
    assert not Association.objects.exists()

    confirmed = _submit(
        admin_client,
        reverse("admin:associations_association_import_job", args=[job.pk]),
        {"confirm": "1"},
    )

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert "Importation terminée" in page(confirmed)
    assert set(Association.objects.values_list("registration_number", flat=True)) == {
        "REC-7",
        "REC-8",
    }
    assert LogEntry.objects.filter(user=admin_user).count() == 2
    assert not job.file
    assert [change.to_state for change in job.status_history] == ["ready", "importing", "done"]


def test_a_job_is_confirmed_once(admin_client):
    province = ProvinceFactory()
    _post(admin_client, _xlsx([["REC-9", "Association", province.region.code, province.code]]))
    job = ImportJob.objects.get()
    url = reverse("admin:associations_association_import_job", args=[job.pk])

    _submit(admin_client, url, {"confirm": "1"})
    again = _submit(admin_client, url, {"confirm": "1"})

    assert Association.objects.count() == 1
    assert "ne peut pas être confirmée" in page(again)


def test_the_page_polls_the_progress_of_a_running_job(admin_client, admin_user):
    job = ImportJob.objects.create(
        model="associations.association",
        resource="associations.resources.AssociationResource",
        format="csv",
        original_name="grand.csv",
        total_rows=400,
        created_by=admin_user,
    )
    from django.core.cache import cache

    cache.set(imports.progress_key(job.pk), 100)
    job_page = admin_client.get(reverse("admin:associations_association_import_job", args=[job.pk]))
    progress_url = reverse("admin:associations_association_import_job_progress", args=[job.pk])
    running = admin_client.get(progress_url)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.READY)
    over = admin_client.get(progress_url)

    assert f'hx-get="{progress_url}"' in page(job_page)
    assert "100 sur 400 lignes" in page(running)
    assert 'value="25"' in page(running)
    assert "HX-Refresh" not in running
    assert over["HX-Refresh"] == "true"


def test_only_administrators_see_import_jobs(client, admin_user, staff_user):
    job = ImportJob.objects.create(
        model="associations.association",
        resource="associations.resources.AssociationResource",
        format="csv",
        original_name="a.csv",
        created_by=admin_user,
    )
    client.force_login(staff_user)

    response = client.get(reverse("admin:associations_association_import_job", args=[job.pk]))

    assert response.status_code == 403
