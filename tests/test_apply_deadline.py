"""After the deadline nothing of an application changes any more, whatever the browser sends;
a reopened application not sent again returns exactly to its last submitted version."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from grants.models import Application, ApplicationDocument
from grants.services import apply as services
from grants.tasks import close_reopened_applications
from tests.apply_helpers import budget_data, pdf_upload, place_data, project_data, ready_application
from tests.factories import CallDomainFactory, TargetPublicFactory
from tests.pages import page

pytestmark = pytest.mark.django_db

DEADLINE_PASSED = "La date limite est passée : le dossier ne peut plus être modifié."


def _url(name, application, *args):
    return reverse(f"grants:{name}", args=[application.pk, *args])


def _step(application, slug):
    return _url("apply_step", application, slug)


def _submit(client, application):
    response = client.post(_url("apply_submit", application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted", page(client.get(response.url))
    return application.submissions.get(number=application.version)


def _with_deadline(application):
    """The call closes in two days, on a whole second, Morocco time."""
    closes_at = timezone.localtime().replace(microsecond=0) + dt.timedelta(days=2)
    assert str(closes_at.tzinfo) == "Africa/Casablanca"
    application.call.closes_at = closes_at
    application.call.save(update_fields=["closes_at"])
    return closes_at


def _just_after(closes_at):
    return time_machine.travel(closes_at + dt.timedelta(seconds=1), tick=False)


def _files(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def _state(application):
    """Everything an endpoint could change: content, status, versions, history, files."""
    application = Application.objects.get(pk=application.pk)
    return {
        "content": services.snapshot(application),
        "row": Application.objects.filter(pk=application.pk).values().get(),
        "documents": list(
            ApplicationDocument.objects.filter(application=application)
            .order_by("pk")
            .values_list("pk", "removed_at", "file", "required_document_id")
        ),
        "versions": list(application.submissions.values_list("number", "snapshot")),
        "history": list(application.status_history.values_list("to_state", "reason")),
    }


@pytest.fixture
def reopened(client):
    """A submitted application, reopened, with a second domain in its call; the call closes in
    two days. Returns (user, application, closes_at, other domain)."""
    user, application = ready_application(client)
    other = CallDomainFactory(call=application.call)
    closes_at = _with_deadline(application)
    _submit(client, application)
    assert client.post(_url("apply_reopen", application)).status_code == 302
    application.refresh_from_db()
    assert (application.status, application.version) == ("draft", 1)
    return user, application, closes_at, other


def _post_steps(application, other):
    return {
        "domaine": {"call_domain": other.pk},
        "projet": project_data(title="Changé après la date limite"),
        "lieu": place_data(application, women="999", men="999"),
        "budget": budget_data(
            requested="100000", lines=[("staff", "Ajout tardif", "300000", "0", "0")]
        ),
    }


@pytest.mark.parametrize("step", ["domaine", "projet", "lieu", "budget"])
def test_autosave_after_the_deadline_is_refused_and_changes_nothing(client, reopened, step):
    user, application, closes_at, other = reopened
    data = _post_steps(application, other)[step]
    before = _state(application)

    with _just_after(closes_at):
        client.force_login(user)
        response = client.post(_url("apply_autosave", application, step), data)

    assert response.status_code == 409
    assert response.json() == {"saved": False, "message": DEADLINE_PASSED}
    assert _state(application) == before


@pytest.mark.parametrize("step", ["domaine", "projet", "lieu", "budget"])
def test_a_wizard_step_after_the_deadline_is_refused_and_changes_nothing(client, reopened, step):
    user, application, closes_at, other = reopened
    data = _post_steps(application, other)[step]
    before = _state(application)

    with _just_after(closes_at):
        client.force_login(user)
        response = client.post(_step(application, step), data)
        shown = page(client.get(response.url))

    assert response.status_code == 302
    assert response.url == _url("application", application)
    assert DEADLINE_PASSED in shown
    assert _state(application) == before


def test_an_upload_after_the_deadline_is_refused_and_nothing_is_stored(client, reopened, tmp_path):
    user, application, closes_at, _other = reopened
    before, stored = _state(application), _files(tmp_path / "media")

    with _just_after(closes_at):
        client.force_login(user)
        response = client.post(
            _url("apply_document_upload", application), {"file": pdf_upload("tardif.pdf")}
        )
        shown = page(client.get(response.url))

    assert response.status_code == 302
    assert DEADLINE_PASSED in shown
    assert _state(application) == before
    assert _files(tmp_path / "media") == stored


def test_removing_a_document_after_the_deadline_is_refused(client, reopened):
    user, application, closes_at, _other = reopened
    document = application.documents.get()
    before = _state(application)

    with _just_after(closes_at):
        client.force_login(user)
        response = client.post(_url("apply_document_remove", application, document.pk))
        shown = page(client.get(response.url))

    assert response.status_code == 302
    assert DEADLINE_PASSED in shown
    assert _state(application) == before


def test_submitting_after_the_deadline_is_refused(client, reopened):
    user, application, closes_at, _other = reopened
    before = _state(application)

    with _just_after(closes_at):
        client.force_login(user)
        response = client.post(_url("apply_submit", application))
        shown = page(client.get(response.url))

    assert response.status_code == 302
    deadline = timezone.localtime(closes_at).strftime("%d/%m/%Y %H:%M:%S")
    assert f"L'appel a été clôturé le {deadline}" in shown
    assert _state(application) == before


def test_withdrawing_a_reopened_draft_after_the_deadline_is_refused(client, reopened):
    """Its content was never sent: it returns to its last version first."""
    user, application, closes_at, _other = reopened
    client.post(_step(application, "projet"), project_data(title="Jamais envoyé"))
    before = _state(application)

    with _just_after(closes_at):
        client.force_login(user)
        response = client.post(_url("apply_withdraw", application), {"reason": "Abandon"})
        shown = page(client.get(response.url))

    assert response.status_code == 302
    assert DEADLINE_PASSED in shown
    assert _state(application) == before


def test_reopening_after_the_deadline_is_refused(client):
    user, application = ready_application(client)
    closes_at = _with_deadline(application)
    _submit(client, application)
    before = _state(application)

    with _just_after(closes_at):
        client.force_login(user)
        response = client.post(_url("apply_reopen", application))
        shown = page(client.get(response.url))

    assert response.status_code == 302
    assert DEADLINE_PASSED in shown
    assert _state(application) == before


def test_one_second_before_the_deadline_the_draft_still_changes(client, reopened):
    user, application, closes_at, other = reopened

    with time_machine.travel(closes_at - dt.timedelta(seconds=1), tick=False):
        client.force_login(user)
        autosave = client.post(
            _url("apply_autosave", application, "projet"), project_data(title="À temps")
        )
        step = client.post(_step(application, "domaine"), {"call_domain": other.pk})

    application.refresh_from_db()
    assert (autosave.status_code, step.status_code) == (200, 302)
    assert (application.title, application.call_domain_id) == ("À temps", other.pk)


def test_a_reopened_application_returns_exactly_to_its_last_submitted_version(
    client, tmp_path, django_capture_on_commit_callbacks
):
    user, application = ready_application(client)
    first_domain = application.call_domain
    other = CallDomainFactory(call=application.call)
    other.domain.target_publics.add(TargetPublicFactory(code="jeunes", name_fr="Jeunes"))
    closes_at = _with_deadline(application)
    statutes = application.documents.get()
    _submit(client, application)  # version 1
    # Version 2: a corrected title, a co-funder, a second file.
    client.post(_url("apply_reopen", application))
    client.post(_step(application, "projet"), project_data(title="Maison d'écoute, v2"))
    client.post(
        _step(application, "budget"),
        budget_data(
            requested="140000",
            lines=[
                ("staff", "Animatrice", "90000", "10000", "0"),
                ("activities", "Ateliers", "110000", "20000", "30000"),
            ],
            cofunders=[("Commune", "30000")],
        ),
    )
    client.post(_url("apply_document_upload", application), {"file": pdf_upload("annexe.pdf")})
    annexe = application.documents.get(original_name="annexe.pdf")
    submitted = _submit(client, application)  # version 2
    assert submitted.number == 2
    assert submitted.snapshot["domain"]["id"] == first_domain.pk
    # Reopened again, and everything changed, but never sent.
    client.post(_url("apply_reopen", application))
    client.post(_step(application, "lieu"), {**place_data(application, "1", "2"), "commune": ""})
    client.post(_step(application, "domaine"), {"call_domain": other.pk})
    client.post(
        _step(application, "projet"),
        project_data(
            title="Tout autre chose",
            summary="Autre résumé",
            objectives="Autres objectifs",
            activities="Autres activités",
            duration_months="36",
        ),
    )
    client.post(_step(application, "lieu"), place_data(application, "500", "400"))
    client.post(
        _step(application, "budget"),
        budget_data(requested="190000", lines=[("equipment", "Véhicule", "250000", "0", "0")]),
    )
    client.post(_url("apply_document_remove", application, annexe.pk))
    client.post(_url("apply_document_upload", application), {"file": pdf_upload("tardif.pdf")})
    late = application.documents.get(original_name="tardif.pdf")
    late_path = Path(late.file.path)
    application.refresh_from_db()
    assert application.call_domain_id == other.pk
    assert services.snapshot(application) != submitted.snapshot

    with _just_after(closes_at), django_capture_on_commit_callbacks(execute=True):
        assert close_reopened_applications() == 1

    application = Application.objects.get(pk=application.pk)
    sent = submitted.snapshot
    assert application.status == "submitted"
    assert application.version == 2
    assert application.call_domain_id == first_domain.pk
    assert {
        "title": application.title,
        "summary": application.summary,
        "objectives": application.objectives,
        "activities": application.activities,
        "duration_months": application.duration_months,
    } == sent["project"]
    assert (application.region_id, application.province_id, application.commune_id) == (
        sent["place"]["region_id"],
        sent["place"]["province_id"],
        sent["place"]["commune_id"],
    )
    assert application.commune_id is not None
    assert application.requested_amount == Decimal(sent["totals"]["requested"])
    assert sorted(
        application.beneficiaries.values_list("target_public_id", "women", "men")
    ) == sorted(
        (row["target_public_id"], row["women"], row["men"]) for row in sent["beneficiaries"]
    )
    assert [
        {
            "category": line.category,
            "label": line.label,
            "total": str(line.total),
            "association_share": str(line.association_share),
            "cofunding_share": str(line.cofunding_share),
        }
        for line in application.budget_lines.order_by("order")
    ] == sent["budget_lines"]
    assert [
        {"name": row.name, "amount": str(row.amount), "confirmed": row.confirmed}
        for row in application.cofunders.all()
    ] == sent["cofunders"]
    kept = application.documents.filter(removed_at=None).order_by("pk")
    assert [d.pk for d in kept] == [statutes.pk, annexe.pk] == [d["id"] for d in sent["documents"]]
    assert not ApplicationDocument.objects.filter(pk=late.pk).exists()
    assert not late_path.exists()
    # The whole content, as the portal would freeze it now, is the version sent.
    assert services.snapshot(application) == sent
    # The history says what happened.
    last = application.status_history.order_by("at", "pk").last()
    assert (last.from_state, last.to_state) == ("draft", "submitted")
    assert last.reason == (
        "Date limite passée : le dossier a été rétabli dans sa version 2, la dernière soumise ; "
        "les modifications faites depuis ont été écartées."
    )
    client.force_login(user)
    assert "rétabli dans sa version 2" in page(client.get(_url("application", application)))
