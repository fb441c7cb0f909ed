"""Personal data: what the portal holds about a person, how long the retention rules keep it,
and the one anonymisation used both by erasure on request and by the daily retention job.

Retention rules (settings, README *Configuration*):

- ``RETENTION_UNFUNDED_APPLICATION_YEARS`` after its call closes, an application never funded
  is anonymised (a draft never submitted is deleted);
- ``RETENTION_GRANT_YEARS`` after a grant is closed or cancelled, its file (application,
  convention, payments, reports) is anonymised; a running grant is kept;
- ``RETENTION_INACTIVE_ACCOUNT_YEARS`` after the last login (or the sign-up), an account that no
  rule keeps anything of is anonymised.

Anonymising keeps what the bilans count (amounts, domain, place, beneficiaries by sex and
public, states and dates) and removes what names or shows a person: links to accounts, free
texts, uploaded files. Every object handled gets a ``RetentionRecord`` (its retention history),
which also makes each operation idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import AssociationDocument, Invitation, Membership
from conventions.models import Convention
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationSubmission,
    ComplementFile,
    ComplementRequest,
    FieldVisitFile,
    Grant,
    GrantReport,
    ReportExpense,
    Tranche,
)
from integrity.services import forget_project_text
from portal.models import StatusChange, User
from portal.workflow import transition
from privacy.models import Consent, ErasureRequest, RetentionRecord

RULE_UNFUNDED = "RETENTION_UNFUNDED_APPLICATION_YEARS"
RULE_GRANT = "RETENTION_GRANT_YEARS"
RULE_INACTIVE = "RETENTION_INACTIVE_ACCOUNT_YEARS"
RULE_ERASURE = "erasure"

ANONYMISED_DOMAIN = "anonymised.invalid"


def rule_reason(rule: str) -> str:
    """Why a rule keeps (or let go of) a record, in the reader's language."""
    reasons = {
        RULE_UNFUNDED: _("Application not funded: kept %(years)s years after its call closed.")
        % {"years": settings.RETENTION_UNFUNDED_APPLICATION_YEARS},
        RULE_GRANT: _(
            "Grant file (convention, payments, reports): kept %(years)s years after the grant "
            "is closed or cancelled."
        )
        % {"years": settings.RETENTION_GRANT_YEARS},
        RULE_INACTIVE: _("Account without activity for %(years)s years.")
        % {"years": settings.RETENTION_INACTIVE_ACCOUNT_YEARS},
        RULE_ERASURE: _("Erasure asked by the person."),
    }
    return reasons.get(rule, rule)


def _after(moment, years: int):
    return moment + relativedelta(years=years)


def _label(obj: models.Model) -> str:
    """How records and listings name an object; a person only by number, never by name."""
    if isinstance(obj, User):
        return f"{obj._meta.verbose_name} #{obj.pk}"
    return f"{obj._meta.verbose_name} {obj}"[:255]


# --- What a rule keeps ----------------------------------------------------------------------


def grant_closed_at(grant: Grant) -> dt.datetime | None:
    """When the grant was closed or cancelled (its history), or None while it runs."""
    if grant.status not in (Grant.Status.CLOSED, Grant.Status.CANCELLED):
        return None
    change = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Grant),
            object_id=grant.pk,
            to_state=grant.status,
        )
        .order_by("-at")
        .first()
    )
    return change.at if change else grant.updated_at


@dataclass(frozen=True)
class Hold:
    """A rule keeps ``obj`` until ``until`` (None: until an event that has not happened yet)."""

    obj: models.Model
    rule: str
    until: dt.datetime | None

    def as_dict(self) -> dict:
        return {
            "object": _label(self.obj),
            "rule": self.rule,
            "reason": rule_reason(self.rule),
            "until": self.until.date().isoformat() if self.until else "",
        }


def _grant(application: Application) -> Grant | None:
    return Grant.objects.filter(application=application).first()


def was_submitted(application: Application) -> bool:
    return application.submitted_at is not None or application.submissions.exists()


def application_hold(application: Application, now: dt.datetime) -> Hold | None:
    """The rule that still keeps ``application`` on ``now``, or None once it has expired.

    A draft never submitted is kept by no rule while its call is open (the association is
    still writing it), then by the unfunded rule like any application of that call."""
    grant = _grant(application)
    if grant is not None:
        closed = grant_closed_at(grant)
        until = _after(closed, settings.RETENTION_GRANT_YEARS) if closed else None
        rule = RULE_GRANT
    else:
        closes = application.call.closes_at
        until = _after(closes, settings.RETENTION_UNFUNDED_APPLICATION_YEARS) if closes else None
        rule = RULE_UNFUNDED
    if until is not None and until <= now:
        return None
    return Hold(application, rule, until)


def grant_holds(grant: Grant, hold: Hold) -> list[Hold]:
    """What a grant's retention keeps besides the application: its convention, its payments."""
    found = [Hold(grant, hold.rule, hold.until)]
    convention = Convention.objects.filter(grant=grant).first()
    if convention is not None and convention.status != Convention.Status.DRAFT:
        found.append(Hold(convention, hold.rule, hold.until))
    found += [
        Hold(tranche, hold.rule, hold.until)
        for tranche in grant.tranches.filter(status=Tranche.Status.PAID)
    ]
    return found


# --- Anonymisation: one service for erasure and retention -------------------------------------


def _already(obj: models.Model, action: str) -> bool:
    return RetentionRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk, action=action
    ).exists()


def _record(obj, action: str, rule: str, detail: str, *, erasure=None, now=None, label=None):
    return RetentionRecord.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        label=label or _label(obj),
        action=action,
        rule=rule,
        detail=detail,
        erasure=erasure,
        at=now or timezone.now(),
    )


def _delete_files(queryset, field: str = "file", *, delete_rows: bool) -> int:
    """Delete the stored files of ``queryset`` (and the rows, or blank the field)."""
    count = 0
    for row in queryset:
        stored = getattr(row, field)
        if stored:
            stored.delete(save=False)
            count += 1
        if not delete_rows:
            type(row).objects.filter(pk=row.pk).update(**{field: ""})
    if delete_rows:
        queryset.delete()
    return count


def _application_files(application: Application) -> int:
    """Delete every file an association uploaded or the portal generated for ``application``."""
    count = _delete_files(
        ApplicationDocument.objects.filter(application=application), delete_rows=True
    )
    count += _delete_files(
        ComplementFile.objects.filter(request__application=application), delete_rows=True
    )
    count += _delete_files(
        ApplicationSubmission.objects.filter(application=application),
        "receipt",
        delete_rows=False,
    )
    return count


def anonymise_application(
    application: Application, *, rule: str, erasure=None, now=None
) -> RetentionRecord | None:
    """Remove what names or shows a person in ``application`` (and, when it was funded, in its
    grant's reports, visits and convention); keep what the bilans count. Returns the record, or
    None when it was already anonymised."""
    if _already(application, RetentionRecord.Action.ANONYMISED):
        return None
    with transaction.atomic():
        files = _application_files(application)
        Application.objects.filter(pk=application.pk).update(
            created_by=None, summary="", objectives="", activities=""
        )
        # the copies of its project text kept by the integrity signals (texts compared, evidence)
        forget_project_text(application)
        for submission in ApplicationSubmission.objects.filter(application=application):
            content = dict(submission.snapshot or {})
            project = dict(content.get("project") or {})
            project.update(summary="", objectives="", activities="")
            content["project"] = project
            content["documents"] = []
            ApplicationSubmission.objects.filter(pk=submission.pk).update(
                submitted_by=None, snapshot=content
            )
        ComplementRequest.objects.filter(application=application).update(
            answer="", answered_by=None
        )
        grant = _grant(application)
        if grant is not None:
            reports = GrantReport.objects.filter(grant=grant)
            files += _delete_files(
                ReportExpense.objects.filter(report__grant=grant), "receipt", delete_rows=False
            )
            ReportExpense.objects.filter(report__grant=grant).update(uploaded_by=None)
            reports.update(submitted_by=None, activities_done="", difficulties="")
            files += _delete_files(
                FieldVisitFile.objects.filter(visit__grant=grant), delete_rows=True
            )
            convention = Convention.objects.filter(grant=grant).first()
            if convention is not None:
                files += _delete_files(convention.attachments.all(), delete_rows=True)
                files += _delete_files(
                    Convention.objects.filter(pk=convention.pk), "generated_pdf", delete_rows=False
                )
                files += _delete_files(
                    Convention.objects.filter(pk=convention.pk), "signed_scan", delete_rows=False
                )
        return _record(
            application,
            RetentionRecord.Action.ANONYMISED,
            rule,
            _(
                "Links to people, free texts and %(count)s files removed; amounts, domain, place "
                "and beneficiary counts kept."
            )
            % {"count": files},
            erasure=erasure,
            now=now,
        )


def delete_draft(application: Application, *, rule: str, erasure=None, now=None) -> RetentionRecord:
    """Delete a draft that was never submitted, with its files."""
    with transaction.atomic():
        files = _application_files(application)
        label = _label(application)
        record = _record(
            application,
            RetentionRecord.Action.DELETED,
            rule,
            _("Draft never submitted, deleted with its %(count)s files.") % {"count": files},
            erasure=erasure,
            now=now,
            label=label,
        )
        application.delete()
    return record


def is_anonymised(user: User) -> bool:
    return user.email.endswith("@" + ANONYMISED_DOMAIN)


def anonymise_user(user: User, *, rule: str, erasure=None, now=None) -> RetentionRecord | None:
    """Anonymise the account (e-mail, names, phone, commune), disable its login and remove its
    memberships and pending invitations. None when it already was."""
    if is_anonymised(user):
        return None
    with transaction.atomic():
        old_email = user.email
        memberships = Membership.objects.filter(user=user).count()
        Membership.objects.filter(user=user).delete()
        Invitation.objects.filter(email__iexact=old_email, accepted_at=None).delete()
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        Consent.objects.filter(user=user).update(ip=None)
        user.email = f"anonymised-{user.pk}@{ANONYMISED_DOMAIN}"
        user.first_name = ""
        user.last_name = ""
        user.phone = ""
        user.commune = None
        user.is_active = False
        user.set_unusable_password()
        user.save()
        return _record(
            user,
            RetentionRecord.Action.ANONYMISED,
            rule,
            _("E-mail, name and phone anonymised, login disabled, %(count)s memberships removed.")
            % {"count": memberships},
            erasure=erasure,
            now=now,
        )


# --- What a person has: export and erasure ----------------------------------------------------


def submitted_by(user: User) -> models.QuerySet[Application]:
    """The applications a person created or sent, and those whose reports they sent."""
    return (
        Application.objects.filter(
            Q(created_by=user)
            | Q(submissions__submitted_by=user)
            | Q(grant__reports__submitted_by=user)
        )
        .distinct()
        .select_related("call", "association", "call_domain__domain")
        .order_by("created_at", "pk")
    )


@dataclass
class ErasurePlan:
    """What erasure would do for a person on a given day."""

    drafts: list[Application] = field(default_factory=list)
    expired: list[tuple[Application, str]] = field(default_factory=list)
    kept: list[Hold] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)


def erasure_plan(user: User, now=None) -> ErasurePlan:
    now = now or timezone.now()
    plan = ErasurePlan(
        memberships=list(Membership.objects.filter(user=user).select_related("association"))
    )
    for application in submitted_by(user):
        if not was_submitted(application):
            # A draft is the association's work: it goes with the person only when nobody
            # else of the association could carry it on.
            others = application.association.memberships.exclude(user=user)
            if not others.exists():
                plan.drafts.append(application)
            continue
        hold = application_hold(application, now)
        if hold is None:
            rule = RULE_GRANT if _grant(application) else RULE_UNFUNDED
            plan.expired.append((application, rule))
            continue
        plan.kept.append(hold)
        if (grant := _grant(application)) is not None:
            plan.kept += grant_holds(grant, hold)
    return plan


def kept_items(user: User, now=None) -> list[dict]:
    """What erasure would keep of ``user``'s data, and the rule that keeps each."""
    return [hold.as_dict() for hold in erasure_plan(user, now).kept]


def request_erasure(user: User) -> ErasureRequest:
    """Open a request (or return the one already open)."""
    with transaction.atomic():
        pending = ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.PENDING)
        return pending.first() or ErasureRequest.objects.create(
            user=user, email=user.email, kept=kept_items(user)
        )


def carry_out_erasure(erasure: ErasureRequest, *, by=None, now=None) -> ErasureRequest:
    """Erase or anonymise what no rule keeps, record what is kept and why. Idempotent: a
    request already carried out is returned unchanged."""
    now = now or timezone.now()
    with transaction.atomic():
        erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        if erasure.status == ErasureRequest.Status.DONE:
            return erasure
        user = erasure.user
        plan = erasure_plan(user, now)
        erased = []
        for application in plan.drafts:
            record = delete_draft(application, rule=RULE_ERASURE, erasure=erasure, now=now)
            erased.append({"object": record.label, "action": record.get_action_display()})
        for application, rule in plan.expired:
            if record := anonymise_application(application, rule=rule, erasure=erasure, now=now):
                erased.append({"object": record.label, "action": record.get_action_display()})
        for membership in plan.memberships:
            erased.append(
                {
                    "object": _label(membership.association),
                    "action": _("Membership removed (%(role)s)")
                    % {"role": membership.get_role_display()},
                }
            )
        if record := anonymise_user(user, rule=RULE_ERASURE, erasure=erasure, now=now):
            erased.append({"object": _("Account"), "action": record.detail})
        transition(
            erasure,
            ErasureRequest.Status.DONE,
            by=by,
            reason=_("%(erased)s erased or anonymised, %(kept)s kept")
            % {"erased": len(erased), "kept": len(plan.kept)},
            updates={
                "processed_at": now,
                "processed_by": by if getattr(by, "pk", None) else None,
                "erased": erased,
                "kept": [hold.as_dict() for hold in plan.kept],
            },
        )
    return erasure


def export_personal_data(user: User) -> dict:
    """Everything the portal holds about a person, as plain data (the JSON download)."""
    applications = []
    for application in submitted_by(user):
        applications.append(
            {
                "id": application.pk,
                "reference": application.reference,
                "title": application.title,
                "association": application.association.name_fr,
                "call": str(application.call),
                "status": application.status,
                "created_by_me": application.created_by_id == user.pk,
                "created_at": application.created_at,
                "submitted_at": application.submitted_at,
                "versions": [
                    {
                        "number": submission.number,
                        "submitted_at": submission.submitted_at,
                        "submitted_by_me": submission.submitted_by_id == user.pk,
                        "content": submission.snapshot,
                    }
                    for submission in application.submissions.order_by("number")
                ],
                "documents": list(application.documents.values_list("original_name", flat=True)),
            }
        )
    reports = [
        {
            "grant": report.grant.reference,
            "kind": report.kind,
            "status": report.status,
            "submitted_at": report.submitted_at,
            "activities_done": report.activities_done,
            "difficulties": report.difficulties,
            "expenses": [
                {
                    "label": expense.label,
                    "amount": expense.amount,
                    "spent_on": expense.spent_on,
                    "receipt": expense.original_name if expense.receipt else "",
                }
                for expense in report.expenses.all()
            ],
        }
        for report in GrantReport.objects.filter(submitted_by=user).select_related("grant")
    ]
    uploaded = [
        {"kind": model._meta.verbose_name, "name": name, "uploaded_at": at}
        for model in (AssociationDocument, ApplicationDocument, ComplementFile, ReportExpense)
        for name, at in model.objects.filter(uploaded_by=user)
        .exclude(original_name="")
        .values_list("original_name", "uploaded_at")
    ]
    return {
        "format": "portal-personal-data/1",
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "language": user.language,
            "commune": user.commune.name_fr if user.commune_id else "",
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "memberships": [
            {
                "association_id": membership.association_id,
                "association": membership.association.name_fr,
                "association_ar": membership.association.name_ar,
                "role": membership.role,
                "since": membership.created_at,
            }
            for membership in Membership.objects.filter(user=user).select_related("association")
        ],
        "invitations_sent": [
            {"association": row.association.name_fr, "email": row.email, "role": row.role}
            for row in Invitation.objects.filter(invited_by=user).select_related("association")
        ],
        "applications": applications,
        "reports": reports,
        "uploaded_documents": uploaded,
        "consents": [
            {"notice_version": row.notice_version, "given_at": row.given_at, "ip": row.ip}
            for row in Consent.objects.filter(user=user).order_by("given_at")
        ],
        "erasure_requests": [
            {"requested_at": row.requested_at, "status": row.status, "kept": row.kept}
            for row in ErasureRequest.objects.filter(user=user)
        ],
    }


def record_consent(user: User, *, ip: str | None = None) -> Consent:
    return Consent.objects.create(
        user=user, notice_version=settings.PERSONAL_DATA_NOTICE_VERSION, ip=ip or None
    )


# --- The retention job ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedAction:
    """One thing the retention job does (or, in a dry run, would do)."""

    action: str  # "anonymise_application" | "delete_draft" | "anonymise_user"
    rule: str
    obj: models.Model

    def describe(self) -> str:
        verbs = {
            "anonymise_application": _("anonymise"),
            "delete_draft": _("delete"),
            "anonymise_user": _("anonymise"),
        }
        name = "" if isinstance(self.obj, User) else f" {self.obj}"
        return (
            f"{verbs[self.action]} {self.obj._meta.verbose_name} #{self.obj.pk}{name} — {self.rule}"
        )


def retention_plan(now=None) -> list[PlannedAction]:
    """What the retention rules let go of on ``now``; nothing a rule still keeps."""
    now = now or timezone.now()
    done = set(
        RetentionRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(Application)
        ).values_list("object_id", flat=True)
    )
    earliest = min(settings.RETENTION_UNFUNDED_APPLICATION_YEARS, settings.RETENTION_GRANT_YEARS)
    candidates = (
        Application.objects.filter(
            Q(call__closes_at__lte=now - relativedelta(years=earliest))
            | Q(grant__status__in=[Grant.Status.CLOSED, Grant.Status.CANCELLED])
        )
        .exclude(pk__in=done)
        .select_related("call")
        .order_by("pk")
        .distinct()
    )
    plan = []
    for application in candidates:
        if application_hold(application, now) is not None:
            continue
        grant = _grant(application)
        if grant is None and not was_submitted(application):
            plan.append(PlannedAction("delete_draft", RULE_UNFUNDED, application))
        else:
            plan.append(
                PlannedAction(
                    "anonymise_application", RULE_GRANT if grant else RULE_UNFUNDED, application
                )
            )
    inactive = (
        User.objects.annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(
            last_seen__lte=now - relativedelta(years=settings.RETENTION_INACTIVE_ACCOUNT_YEARS),
            is_staff=False,
            is_superuser=False,
            groups=None,
        )
        .exclude(email__endswith="@" + ANONYMISED_DOMAIN)
        .order_by("pk")
    )
    for user in inactive:
        if not erasure_plan(user, now).kept:
            plan.append(PlannedAction("anonymise_user", RULE_INACTIVE, user))
    return plan


def apply_retention(*, now=None, dry_run: bool = False) -> list[PlannedAction]:
    """Carry out ``retention_plan`` (or only return it with ``dry_run``)."""
    now = now or timezone.now()
    plan = retention_plan(now)
    if dry_run:
        return plan
    handlers = {
        "anonymise_application": anonymise_application,
        "delete_draft": delete_draft,
        "anonymise_user": anonymise_user,
    }
    for item in plan:
        handlers[item.action](item.obj, rule=item.rule, now=now)
    return plan
