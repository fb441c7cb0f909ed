"""Files are stored and served with the extension and type of their content, never the name's."""

from pathlib import PurePath

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from associations.models import AssociationDocument
from grants.models import ApplicationDocument
from portal.files import serve_file, with_extension
from tests.apply_helpers import PDF_BYTES, pdf_upload, ready_application

pytestmark = pytest.mark.django_db

# A PDF that is also an HTML application: Windows runs a .hta with mshta.
HTA_POLYGLOT = PDF_BYTES + (
    b"<html><head><HTA:APPLICATION ID='app'/>"
    b"<script>new ActiveXObject('WScript.Shell').Run('calc')</script></head></html>\n"
)


def _disposition_name(response) -> str:
    return response["Content-Disposition"].split("filename=", 1)[1].strip('"')


@pytest.mark.parametrize(
    ("sent", "expected", "content"),
    [("setup.exe", "setup.pdf", PDF_BYTES), ("statuts.hta", "statuts.pdf", HTA_POLYGLOT)],
)
def test_an_association_document_is_stored_and_served_under_its_detected_type(
    client, member, sent, expected, content
):
    association = member.memberships.get().association
    client.force_login(member)

    client.post(
        reverse("associations:document_upload", args=[association.pk]),
        {"kind": "statutes", "file": pdf_upload(sent, content), "expires_on": "2027-06-30"},
    )

    document = AssociationDocument.objects.get(association=association)
    assert document.original_name == expected
    assert PurePath(document.file.name).suffix == ".pdf"
    assert PurePath(sent).suffix not in document.file.name
    response = client.get(
        reverse("associations:document_download", args=[association.pk, document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _disposition_name(response) == expected
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_an_application_document_named_exe_is_stored_and_served_as_pdf(client):
    _user, application = ready_application(client)
    ApplicationDocument.objects.filter(application=application).delete()
    required = application.call.required_documents.get()

    client.post(
        reverse("grants:apply_document_upload", args=[application.pk]),
        {"file": pdf_upload("setup.exe"), "required_document": required.pk},
    )

    document = ApplicationDocument.objects.get(application=application)
    assert document.original_name == "setup.pdf"
    assert document.file.name.endswith("-setup.pdf")
    response = client.get(reverse("grants:document", args=[application.pk, document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert _disposition_name(response) == "setup.pdf"


def test_a_file_stored_under_a_wrong_name_is_served_under_its_content(tmp_path):
    document = ApplicationDocument(original_name="statuts.hta", content_type="text/html")
    document.file.save("statuts.hta", ContentFile(HTA_POLYGLOT), save=False)

    response = serve_file(document.file, filename="statuts.hta", content_type="text/html")

    assert response["Content-Type"] == "application/pdf"
    assert _disposition_name(response) == "statuts.pdf"


def test_unknown_content_is_an_opaque_download(tmp_path):
    document = ApplicationDocument()
    document.file.save("page.html", ContentFile(b"<script>alert(1)</script>"), save=False)

    response = serve_file(document.file, filename="page.html")

    assert response["Content-Type"] == "application/octet-stream"
    assert _disposition_name(response) == "page.bin"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("setup.exe", "setup.pdf"),
        ("rapport.final.docx", "rapport.final.pdf"),
        (".hta", "file.pdf"),
        ("sans extension", "sans extension.pdf"),
        ("../../etc/passwd.", "passwd.pdf"),
        ("a" * 300 + ".exe", "a" * 247 + ".pdf"),
    ],
)
def test_with_extension(name, expected):
    assert with_extension(name, "pdf") == expected
