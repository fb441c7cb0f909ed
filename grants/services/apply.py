"""The association's side of an application: drafts, submission, versions, receipts, reopening,
withdrawal and answers to requests for complements.

The rules are checked here, on the server and by its clock, whatever the browser sent. Every
change runs in one transaction; e-mails and receipts are produced after it commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.services import members_of
from calls.models import CallDomain
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationSubmission,
    Beneficiaries,
    BudgetLine,
    CoFunder,
    ComplementFile,
)
from grants.signals import application_submitted
from grants.tasks import render_receipt
from portal.files import stored, validate_upload_count
from portal.models import User
from portal.money import format_amount, quantize
from portal.notify import notify
from portal.outbox import send_task
from portal.roles import Role, is_staff_officer
from portal.workflow import record_creation, transition

ZERO = Decimal("0")


class WizardStep(models.TextChoices):
    """The steps of the application wizard, in order; the values are the slugs of its URLs."""

    DOMAIN = "domaine", gettext_lazy("Domain")
    PROJECT = "projet", gettext_lazy("Project")
    PLACE = "lieu", gettext_lazy("Place and beneficiaries")
    BUDGET = "budget", gettext_lazy("Budget")
    DOCUMENTS = "documents", gettext_lazy("Documents")
    REVIEW = "recapitulatif", gettext_lazy("Review and submit")


@dataclass(frozen=True)
class Problem:
    """Something that stops a submission: the step to fix, the field, and what to do."""

    step: WizardStep | str
    field: str
    message: str


class SubmissionRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def members(application):
    return members_of(application.association_id)


# --- Drafts ---------------------------------------------------------------------------------


@transaction.atomic
def start(*, call, association: Association, call_domain: CallDomain, user) -> Application:
    application = Application.objects.create(
        call=call,
        call_domain=call_domain,
        association=association,
        region_id=association.region_id,
        province_id=association.province_id,
        commune_id=association.commune_id,
        created_by=user,
    )
    record_creation(application, by=user)
    return application


def _closed(call, now) -> Problem | None:
    """Why nothing of an application of ``call`` may change at ``now``, if so."""
    if call.is_accepting(now):
        return None
    if call.closes_at is not None and now >= call.closes_at:
        message = _("The deadline has passed: the application can no longer be changed.")
    else:
        message = _("The call is not open for applications.")
    return Problem(WizardStep.REVIEW, "", message)


def check_open(application, *, now=None) -> None:
    """Refuse every change to an application once its call stops accepting them: after the
    deadline, to the second by the server's clock, what was submitted is what counts."""
    problem = _closed(application.call, now or timezone.now())
    if problem is not None:
        raise SubmissionRefused([problem])


def _editable(application_id) -> Application:
    """Lock the draft; refuse changes to anything already sent, and to anything after the
    deadline."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=application_id)
    )
    check_open(application)
    if not application.is_editable:
        raise SubmissionRefused(
            [
                Problem(
                    WizardStep.REVIEW, "", _("This application was sent; reopen it to change it.")
                )
            ]
        )
    return application


@transaction.atomic
def save_fields(application, values: dict) -> Application:
    locked = _editable(application.pk)
    for name, value in values.items():
        setattr(locked, name, value)
    if values:
        locked.save(update_fields=[*values, "updated_at"])
    return locked


@transaction.atomic
def save_beneficiaries(application, counts: dict) -> None:
    """``counts``: {target_public_id: (women, men)}."""
    locked = _editable(application.pk)
    for public_id, (women, men) in counts.items():
        Beneficiaries.objects.update_or_create(
            application=locked,
            target_public_id=public_id,
            defaults={"women": women or 0, "men": men or 0},
        )


@transaction.atomic
def save_budget(application, *, lines: list[dict], cofunders: list[dict]) -> None:
    """Replace the budget by the rows given (rows already checked by the forms)."""
    locked = _editable(application.pk)
    locked.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=locked, order=number, **line) for number, line in enumerate(lines)
    )
    locked.cofunders.all().delete()
    CoFunder.objects.bulk_create(CoFunder(application=locked, **row) for row in cofunders)


def add_document(*, application, upload, required_document=None, user) -> ApplicationDocument:
    """Attach a checked upload. The number of files is counted under the application's row
    lock, so that uploads sent at the same moment cannot go beyond ``UPLOAD_MAX_FILES``
    (``ValidationError``)."""
    with transaction.atomic():
        locked = _editable(application.pk)
        validate_upload_count([upload], already=locked.documents.filter(removed_at=None).count())
        return ApplicationDocument.objects.create(
            application=locked, required_document=required_document, **stored(upload, by=user)
        )


def document_in_a_version(document: ApplicationDocument) -> bool:
    return any(
        entry.get("id") == document.pk
        for snapshot in document.application.submissions.values_list("snapshot", flat=True)
        for entry in snapshot.get("documents", [])
    )


def remove_document(document: ApplicationDocument) -> None:
    """A draft's file goes; a file that a submitted version lists is only set aside, so that
    the version stays readable."""
    with transaction.atomic():
        _editable(document.application_id)
        if document_in_a_version(document):
            ApplicationDocument.objects.filter(pk=document.pk).update(removed_at=timezone.now())
            return
        document.delete()
        transaction.on_commit(lambda: document.file.delete(save=False))


# --- Figures and checks ---------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetTotals:
    total: Decimal
    association: Decimal
    cofunding: Decimal
    cofunders: Decimal

    @property
    def fundable(self) -> Decimal:
        """What is left for the ministry: the budget minus the association's and co-funders'."""
        return self.total - self.association - self.cofunding


def budget_totals(application) -> BudgetTotals:
    row = application.budget_lines.aggregate(
        total=Sum("total"), association=Sum("association_share"), cofunding=Sum("cofunding_share")
    )
    cofunders = application.cofunders.aggregate(amount=Sum("amount"))["amount"]
    return BudgetTotals(
        total=quantize(row["total"] or ZERO),
        association=quantize(row["association"] or ZERO),
        cofunding=quantize(row["cofunding"] or ZERO),
        cofunders=quantize(cofunders or ZERO),
    )


def missing_documents(application):
    present = set(
        application.documents.filter(removed_at=None)
        .exclude(required_document=None)
        .values_list("required_document_id", flat=True)
    )
    return [
        document
        for document in application.call.required_documents.filter(mandatory=True).order_by("order")
        if document.pk not in present
    ]


def problems(application, *, now=None) -> list[Problem]:
    """Everything that stops this application from being submitted now."""
    now = now or timezone.now()
    found: list[Problem] = []
    call = application.call
    if not call.is_accepting(now):
        found.append(
            Problem(
                WizardStep.REVIEW,
                "",
                _("The call closed on %(date)s: applications are no longer accepted.")
                % {"date": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M:%S")}
                if call.closes_at and now >= call.closes_at
                else _("The call is not open for applications."),
            )
        )
    if application.association.status != Association.Status.VERIFIED:
        found.append(
            Problem(
                WizardStep.REVIEW,
                "",
                _(
                    "The association must be verified by the ministry before its applications "
                    "can be submitted."
                ),
            )
        )
    if not application.call_domain_id:
        found.append(Problem(WizardStep.DOMAIN, "call_domain", _("Choose a domain.")))
    else:
        limit = call.max_applications_per_domain
        others = (
            Application.objects.filter(
                association_id=application.association_id,
                call_domain_id=application.call_domain_id,
                status__in=Application.Status.submitted_states,
            )
            .exclude(pk=application.pk)
            .count()
        )
        if others >= limit:
            found.append(
                Problem(
                    WizardStep.DOMAIN,
                    "call_domain",
                    _(
                        "The association already has %(count)d application(s) in this domain; "
                        "the call accepts %(limit)d."
                    )
                    % {"count": others, "limit": limit},
                )
            )
    for name, label in (
        ("title", _("Give the project a title.")),
        ("summary", _("Write a summary of the project.")),
        ("objectives", _("Write the project's objectives.")),
        ("activities", _("Describe the activities.")),
        ("duration_months", _("Give the duration in months.")),
    ):
        if not getattr(application, name):
            found.append(Problem(WizardStep.PROJECT, name, label))
    if not application.region_id or not application.province_id:
        found.append(Problem(WizardStep.PLACE, "province", _("Say where the project takes place.")))
    reached = application.beneficiaries.aggregate(n=Sum("women") + Sum("men"))["n"] or 0
    if not reached:
        found.append(Problem(WizardStep.PLACE, "", _("Say how many people the project reaches.")))
    found.extend(_budget_problems(application))
    for document in missing_documents(application):
        found.append(
            Problem(
                WizardStep.DOCUMENTS,
                f"document-{document.pk}",
                _("Attach: %(document)s.") % {"document": document.name},
            )
        )
    return found


def _budget_problems(application) -> list[Problem]:
    found: list[Problem] = []
    totals = budget_totals(application)
    requested = application.requested_amount or ZERO
    if not application.budget_lines.exists():
        found.append(Problem(WizardStep.BUDGET, "", _("Add the budget lines of the project.")))
    if requested <= 0:
        found.append(
            Problem(WizardStep.BUDGET, "requested_amount", _("Give the amount requested."))
        )
    if application.call_domain_id and requested > application.call_domain.max_grant:
        found.append(
            Problem(
                WizardStep.BUDGET,
                "requested_amount",
                _("The amount requested exceeds this domain's cap of %(cap)s DH per project.")
                % {"cap": format_amount(application.call_domain.max_grant)},
            )
        )
    if requested > totals.fundable:
        found.append(
            Problem(
                WizardStep.BUDGET,
                "requested_amount",
                _(
                    "The amount requested exceeds the budget minus the association's share and "
                    "co-funding (%(left)s DH)."
                )
                % {"left": format_amount(totals.fundable)},
            )
        )
    if application.cofunders.exists() and totals.cofunders != totals.cofunding:
        found.append(
            Problem(
                WizardStep.BUDGET,
                "",
                _(
                    "The co-funders listed give %(listed)s DH, but the budget lines count "
                    "%(lines)s DH of co-funding."
                )
                % {
                    "listed": format_amount(totals.cofunders),
                    "lines": format_amount(totals.cofunding),
                },
            )
        )
    return found


# --- Submission -----------------------------------------------------------------------------


def snapshot(application) -> dict:
    """Everything that was sent, as plain data: the immutable content of a version."""
    totals = budget_totals(application)
    return {
        "reference": application.reference,
        "call": {
            "programme": application.call.programme.code,
            "edition": application.call.edition,
            "title": application.call.title_fr,
        },
        "association": {
            "id": application.association_id,
            "name": application.association.name_fr,
            "name_ar": application.association.name_ar,
            "registration_number": application.association.registration_number,
            "rib": application.association.rib,
        },
        "domain": {
            "id": application.call_domain_id,
            "code": application.call_domain.domain.code,
            "name_fr": application.call_domain.domain.name_fr,
            "name_ar": application.call_domain.domain.name_ar,
            "name_en": application.call_domain.domain.name_en,
            "cap": str(application.call_domain.max_grant),
        },
        "project": {
            "title": application.title,
            "summary": application.summary,
            "objectives": application.objectives,
            "activities": application.activities,
            "duration_months": application.duration_months,
        },
        "place": {
            "region": application.region.name_fr if application.region_id else "",
            "province": application.province.name_fr if application.province_id else "",
            "commune": application.commune.name_fr if application.commune_id else "",
            "region_id": application.region_id,
            "province_id": application.province_id,
            "commune_id": application.commune_id,
        },
        "beneficiaries": [
            {
                "target_public_id": row.target_public_id,
                "public_fr": row.target_public.name_fr,
                "public_ar": row.target_public.name_ar,
                "women": row.women,
                "men": row.men,
            }
            for row in application.beneficiaries.select_related("target_public")
        ],
        "budget_lines": [
            {
                "category": line.category,
                "label": line.label,
                "total": str(line.total),
                "association_share": str(line.association_share),
                "cofunding_share": str(line.cofunding_share),
            }
            for line in application.budget_lines.all()
        ],
        "cofunders": [
            {"name": row.name, "amount": str(row.amount), "confirmed": row.confirmed}
            for row in application.cofunders.all()
        ],
        "totals": {
            "budget": str(totals.total),
            "association": str(totals.association),
            "cofunding": str(totals.cofunding),
            "requested": str(application.requested_amount),
        },
        "documents": [
            {
                "id": document.pk,
                "name": document.original_name,
                "required": document.required_document.name_fr
                if document.required_document
                else "",
                "size": document.size,
                "content_type": document.content_type,
            }
            for document in application.documents.filter(removed_at=None).select_related(
                "required_document"
            )
        ],
    }


def next_reference(application, *, call_domain: CallDomain) -> str:
    """``AAP-2026-VIO-00042``: the call's code, year, domain and a sequence per domain.

    ``call_domain`` is the application's domain, locked in the caller's transaction
    (``select_for_update``, with its ``domain``): its counter gives the next number, so two
    submissions at the same second get different numbers, and a submission that fails gives
    its number back. One query, whatever the number of earlier references.
    """
    call_domain.last_reference_number += 1
    call_domain.save(update_fields=["last_reference_number"])
    prefix = f"{application.call.code}-{application.call.year}-{call_domain.domain.code}-"
    return f"{prefix}{call_domain.last_reference_number:05d}"


def submit(application, *, user, now=None) -> ApplicationSubmission:
    """Check every rule, freeze the content as a new version, number it, and notify."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call", "call__programme", "association", "call_domain")
            .get(pk=application.pk)
        )
        now = now or timezone.now()
        if locked.status != Application.Status.DRAFT:
            raise SubmissionRefused(
                [Problem(WizardStep.REVIEW, "", _("This application was already sent."))]
            )
        call_domain = None
        if locked.call_domain_id:
            # Submissions in one domain take turns, so the count of the association's
            # applications there cannot miss one being sent, and the domain's reference
            # counter is read and written by one of them at a time.
            call_domain = (
                CallDomain.objects.select_for_update(of=("self",))
                .select_related("domain")
                .get(pk=locked.call_domain_id)
            )
        found = problems(locked, now=now)
        if found:
            raise SubmissionRefused(found)
        reference = locked.reference or next_reference(locked, call_domain=call_domain)
        locked.reference = reference
        number = locked.version + 1
        submission = ApplicationSubmission.objects.create(
            application=locked,
            number=number,
            submitted_at=now,
            submitted_by=user,
            snapshot=snapshot(locked),
        )
        transition(
            locked,
            Application.Status.SUBMITTED,
            by=user,
            reason=_("Version %(number)d") % {"number": number},
            updates={"reference": reference, "version": number, "submitted_at": now},
        )
        notify(
            members(locked),
            "grants/email/submitted",
            {
                "application_id": locked.pk,
                "reference": reference,
                "title": locked.title,
                "number": number,
                "submitted_at": timezone.localtime(now).strftime("%d/%m/%Y %H:%M:%S"),
                "deadline": timezone.localtime(locked.call.closes_at).strftime("%d/%m/%Y %H:%M"),
            },
        )

        send_task(render_receipt, submission.pk)
        application_submitted.send(Application, application=locked, submission=submission)
    return submission


def reopen(application, *, user, now=None) -> Application:
    """Back to draft for corrections; the submitted versions stay as they were."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=application.pk)
        )
        now = now or timezone.now()
        if not locked.call.is_accepting(now):
            raise SubmissionRefused(
                [
                    Problem(
                        WizardStep.REVIEW,
                        "",
                        _("The deadline has passed: the application can no longer be changed."),
                    )
                ]
            )
        if locked.status != Application.Status.SUBMITTED:
            raise SubmissionRefused(
                [
                    Problem(
                        WizardStep.REVIEW,
                        "",
                        _("Only an application that has not been examined yet can be reopened."),
                    )
                ]
            )
        transition(
            locked,
            Application.Status.DRAFT,
            by=user,
            reason=_(
                "Reopened for corrections; version %(number)d stays on record until a new one "
                "is sent."
            )
            % {"number": locked.version},
        )
    return locked


def restore_last_version(application, *, now=None) -> ApplicationSubmission:
    """Put back exactly what the last submitted version holds (a reopened draft at the
    deadline): every field, the domain, the place, the beneficiaries, the budget and the
    co-funders, and the files — files attached since are taken off, files removed since come
    back. Reads the version's immutable snapshot; returns that version."""
    now = now or timezone.now()
    last = application.submissions.filter(number=application.version).first()
    last = last or application.submissions.order_by("-number").first()
    data = last.snapshot
    domain = data["domain"]
    call_domain_id = domain.get("id") or (
        CallDomain.objects.filter(call_id=application.call_id, domain__code=domain["code"])
        .values_list("pk", flat=True)
        .get()
    )
    Application.objects.filter(pk=application.pk).update(
        call_domain_id=call_domain_id,
        title=data["project"]["title"],
        summary=data["project"]["summary"],
        objectives=data["project"]["objectives"],
        activities=data["project"]["activities"],
        duration_months=data["project"]["duration_months"],
        region_id=data["place"]["region_id"],
        province_id=data["place"]["province_id"],
        commune_id=data["place"]["commune_id"],
        requested_amount=Decimal(data["totals"]["requested"]),
        updated_at=now,
    )
    application.refresh_from_db()
    application.beneficiaries.all().delete()
    Beneficiaries.objects.bulk_create(
        Beneficiaries(
            application=application,
            target_public_id=row["target_public_id"],
            women=row["women"],
            men=row["men"],
        )
        for row in data["beneficiaries"]
    )
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(
            application=application,
            order=number,
            category=line["category"],
            label=line["label"],
            total=Decimal(line["total"]),
            association_share=Decimal(line["association_share"]),
            cofunding_share=Decimal(line["cofunding_share"]),
        )
        for number, line in enumerate(data["budget_lines"])
    )
    application.cofunders.all().delete()
    CoFunder.objects.bulk_create(
        CoFunder(
            application=application,
            name=row["name"],
            amount=Decimal(row["amount"]),
            confirmed=row["confirmed"],
        )
        for row in data["cofunders"]
    )
    sent = {entry["id"] for entry in data["documents"]}
    application.documents.filter(pk__in=sent).exclude(removed_at=None).update(removed_at=None)
    for document in application.documents.filter(removed_at=None).exclude(pk__in=sent):
        if document_in_a_version(document):
            ApplicationDocument.objects.filter(pk=document.pk).update(removed_at=now)
        else:
            document.delete()
            transaction.on_commit(lambda file=document.file: file.delete(save=False))
    return last


def close_reopened(*, now=None) -> int:
    """After the deadline, a reopened application that was not sent again counts as its last
    version: its content is put back and it returns to "submitted", and its history says so.
    Returns how many."""
    now = now or timezone.now()
    count = 0
    reopened = Application.objects.filter(
        status=Application.Status.DRAFT, version__gt=0, call__closes_at__lte=now
    ).values_list("pk", flat=True)
    for pk in reopened:
        with transaction.atomic():
            locked = Application.objects.select_for_update(of=("self",)).get(pk=pk)
            if locked.status != Application.Status.DRAFT:
                continue
            version = restore_last_version(locked, now=now)
            transition(
                locked,
                Application.Status.SUBMITTED,
                reason=_(
                    "Deadline passed: the application was restored to version %(number)d, the "
                    "last one submitted; changes made since were discarded."
                )
                % {"number": version.number},
            )
            count += 1
    return count


def withdraw(application, *, user, reason: str = "") -> Application:
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=application.pk)
        )
        if locked.is_editable and locked.version:
            # A reopened draft after the deadline holds changes that were never sent: it
            # returns to its last version (close_reopened) before anything else happens to it.
            check_open(locked)
        transition(locked, Application.Status.WITHDRAWN, by=user, reason=reason)
        if locked.version:
            notify_status(locked)
    return locked


def answer_complements(request_obj, *, user, answer: str, uploads, now=None):
    """The association's answer to a request for complements, by its due date."""
    now = now or timezone.now()
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).get(
            pk=request_obj.application_id
        )
        locked = type(request_obj).objects.select_for_update(of=("self",)).get(pk=request_obj.pk)
        if locked.answered_at is not None:
            raise SubmissionRefused(
                [Problem("", "answer", _("This request was already answered."))]
            )
        if now >= locked.due_at:
            raise SubmissionRefused(
                [Problem("", "answer", _("The due date of this request has passed."))]
            )
        locked.answer, locked.answered_at, locked.answered_by = answer, now, user
        locked.save(update_fields=["answer", "answered_at", "answered_by"])
        for upload in uploads:
            ComplementFile.objects.create(request=locked, **stored(upload, by=user))
        transition(
            application,
            Application.Status.SUBMITTED,
            by=user,
            reason=_("Complements sent."),
        )
        notify_complements_answered(locked, application)
    return locked


# --- E-mails --------------------------------------------------------------------------------

# The states an association is told about when its application reaches them.
ANNOUNCED = frozenset(
    {
        Application.Status.COMPLEMENTS_REQUESTED,
        Application.Status.ADMISSIBLE,
        Application.Status.INADMISSIBLE,
        Application.Status.APPROVED,
        Application.Status.WAITLISTED,
        Application.Status.REJECTED,
        Application.Status.WITHDRAWN,
    }
)


def complement_readers(request_obj):
    """Who is told of an answer to a request for complements: the staff officer who asked, or
    every staff officer when that officer is gone or no longer one."""
    officer = request_obj.requested_by
    if officer is not None and officer.is_active and is_staff_officer(officer):
        return [officer]
    return list(User.objects.filter(groups__name=Role.STAFF, is_active=True).distinct())


def notify_complements_answered(request_obj, application) -> None:
    """Tell the ministry, in each officer's language, that the association answered."""
    notify(
        complement_readers(request_obj),
        "grants/email/complements_answered",
        {
            "application_id": application.pk,
            "reference": application.reference or "",
            "title": application.title,
            "association": {
                "name_fr": application.association.name_fr,
                "name_ar": application.association.name_ar,
            },
            "answered_at": timezone.localtime(request_obj.answered_at).strftime("%d/%m/%Y %H:%M"),
            "files": request_obj.files.count(),
        },
    )


def notify_status(application, *, message: str = "") -> None:
    """Tell the association's members, in their language, where their application stands."""
    if application.status not in ANNOUNCED:
        return
    notify(
        members(application),
        "grants/email/status",
        {
            "application_id": application.pk,
            "reference": application.reference or "",
            "title": application.title,
            "status": application.status,
            "message": message,
        },
    )
