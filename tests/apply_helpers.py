"""Building blocks of the application tests: an open call ready for applications, files."""

import io
from decimal import Decimal

from django.urls import reverse

from grants.models import Application
from tests.factories import (
    CallDomainFactory,
    MembershipFactory,
    RequiredDocumentFactory,
    TargetPublicFactory,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="statuts.pdf", content=PDF_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def open_call(**call_kwargs):
    """An open call with one domain (two target publics) and one required document."""
    call_domain = CallDomainFactory(
        **{f"call__{key}": value for key, value in call_kwargs.items()},
        max_grant=Decimal("200000.00"),
    )
    call_domain.domain.target_publics.add(
        TargetPublicFactory(code="femmes", name_fr="Femmes"),
        TargetPublicFactory(code="enfants", name_fr="Enfants"),
    )
    RequiredDocumentFactory(call=call_domain.call, name_fr="Statuts de l'association")
    return call_domain


def start(client, call_domain, association) -> Application:
    client.post(
        reverse("grants:apply_start", args=[call_domain.call.pk]),
        {"association": association.pk, "call_domain": call_domain.pk},
    )
    return Application.objects.filter(association=association).latest("created_at")


def project_data(**overrides):
    return {
        "title": "Maison d'écoute pour femmes",
        "summary": "Écoute et orientation.",
        "objectives": "Réduire la violence.",
        "activities": "Permanences, ateliers.",
        "duration_months": "12",
        **overrides,
    }


def place_data(application, women="120", men="30"):
    association = application.association
    data = {
        "region": association.region_id,
        "province": association.province_id,
        "commune": association.commune_id,
    }
    for public in application.call_domain.domain.target_publics.all():
        data[f"women_{public.pk}"] = women
        data[f"men_{public.pk}"] = men
    return data


def budget_data(requested="150000", lines=None, cofunders=()):
    lines = lines or [("activities", "Ateliers", "200000", "30000", "20000")]
    data = {
        "requested_amount": requested,
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "60",
        "cofunders-TOTAL_FORMS": str(len(cofunders)),
        "cofunders-INITIAL_FORMS": "0",
        "cofunders-MIN_NUM_FORMS": "0",
        "cofunders-MAX_NUM_FORMS": "20",
    }
    for n, (category, label, total, own, cofunding) in enumerate(lines):
        data.update(
            {
                f"lines-{n}-category": category,
                f"lines-{n}-label": label,
                f"lines-{n}-total": total,
                f"lines-{n}-association_share": own,
                f"lines-{n}-cofunding_share": cofunding,
            }
        )
    for n, (name, amount) in enumerate(cofunders):
        data.update({f"cofunders-{n}-name": name, f"cofunders-{n}-amount": amount})
    return data


def fill(client, application, *, requested="150000"):
    """Every step of the wizard, as a user would post them."""
    step = lambda slug: reverse("grants:apply_step", args=[application.pk, slug])  # noqa: E731
    client.post(step("projet"), project_data())
    client.post(step("lieu"), place_data(application))
    client.post(step("budget"), budget_data(requested=requested))
    required = application.call.required_documents.get()
    client.post(
        reverse("grants:apply_document_upload", args=[application.pk]),
        {"file": pdf_upload(), "required_document": required.pk},
    )
    application.refresh_from_db()
    return application


def ready_application(client, **call_kwargs):
    """A logged-in president with a complete draft; returns (user, application)."""
    call_domain = open_call(**call_kwargs)
    membership = MembershipFactory()
    client.force_login(membership.user)
    application = start(client, call_domain, membership.association)
    return membership.user, fill(client, application)


def docx_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()
