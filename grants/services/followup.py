"""Funded projects followed until they close: the grant convention, tranches and payments,
grantee reports, field visits, audits, suspension, cancellation and closure.

Money moves under a row lock on the grant, and the database refuses a paid amount above the
grant's; every change of state is recorded (``portal.workflow``); e-mails leave after commit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.services import members_of
from grants import signals
from grants.models import (
    Audit,
    AuditRecommendation,
    FieldVisit,
    FieldVisitFile,
    Grant,
    GrantReport,
    ReportBeneficiaries,
    ReportExpense,
    Tranche,
)
from portal.files import stored
from portal.money import quantize
from portal.notify import notify
from portal.workflow import record_creation, transition

CONDITION = Tranche.Condition


class FollowUpError(Exception):
    """A rule of the follow-up refused the action; the message says why, for the user."""


def _locked_grant(grant) -> Grant:
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__association")
        .get(pk=grant.pk)
    )


def members(grant):
    return members_of(grant.application.association_id)


# --- The grant and its convention -----------------------------------------------------------


def _schedule(grant) -> list[tuple[int, Decimal, str]]:
    """(order, percentage, condition) from the call; 60/40 signature/interim by default."""
    rules = list(grant.application.call.tranche_rules.order_by("order"))
    if rules:
        return [(r.order, r.percentage, r.condition) for r in rules]
    return [(1, Decimal(60), CONDITION.SIGNATURE), (2, Decimal(40), CONDITION.INTERIM_REPORT)]


def prepare_grant(grant, *, by=None) -> Grant:
    """The tranches (the last one takes the rounding, so they add up to the amount), the
    reports due, and the grant convention in draft with its PDF. Idempotent."""
    with transaction.atomic():
        grant = _locked_grant(grant)
        if not grant.tranches.exists():
            schedule = _schedule(grant)
            left = grant.amount
            for index, (order, percentage, condition) in enumerate(schedule):
                last = index == len(schedule) - 1
                amount = left if last else quantize(grant.amount * percentage / 100)
                left -= amount
                tranche = Tranche.objects.create(
                    grant=grant,
                    order=order,
                    percentage=percentage,
                    amount=amount,
                    condition=condition,
                )
                record_creation(tranche, by=by)
        if not grant.reports.exists():
            start = grant.starts_on or timezone.localdate()
            months = grant.application.duration_months or 12
            for kind, after in (
                (GrantReport.Kind.INTERIM, max(months // 2, 1)),
                (GrantReport.Kind.FINAL, months + 1),
            ):
                report = GrantReport.objects.create(
                    grant=grant, kind=kind, due_on=start + relativedelta(months=after)
                )
                record_creation(report, by=by)
        # the grant convention in draft, with its PDF (conventions.receivers)
        signals.grant_prepared.send(Grant, grant=grant, by=by)
    return grant


def sign(grant, *, signed_on: dt.date, scan, by) -> None:
    """The convention comes back signed: its scan is kept and the grant becomes active."""
    if signed_on > timezone.localdate():
        raise FollowUpError(_("The signature date cannot be in the future."))
    with transaction.atomic():
        locked = _locked_grant(grant)
        # the convention keeps its scan and is signed first (conventions.receivers)
        signals.grant_signed.send(Grant, grant=locked, signed_on=signed_on, scan=scan, by=by)
        transition(
            locked,
            Grant.Status.ACTIVE,
            by=by,
            reason=_("Convention signed on %(date)s.") % {"date": signed_on.strftime("%d/%m/%Y")},
            updates={"starts_on": signed_on},
        )


# --- Tranches and payments ------------------------------------------------------------------


def condition_holds(tranche) -> bool:
    grant = tranche.grant
    if tranche.condition == CONDITION.SIGNATURE:
        return grant.status == Grant.Status.ACTIVE
    kind = {
        CONDITION.INTERIM_REPORT: GrantReport.Kind.INTERIM,
        CONDITION.FINAL_REPORT: GrantReport.Kind.FINAL,
    }[tranche.condition]
    return grant.reports.filter(kind=kind, status=GrantReport.Status.ACCEPTED).exists()


def _require_active(grant) -> None:
    """Money moves only for an active grant; ``grant`` is the row locked by the caller, so a
    suspension or cancellation committed meanwhile is seen."""
    if grant.status == Grant.Status.SUSPENDED:
        raise FollowUpError(
            _("The grant is suspended: no tranche is released or paid until it is resumed.")
        )
    if grant.status != Grant.Status.ACTIVE:
        raise FollowUpError(_("Tranches are released and paid only for an active grant."))


def release(tranche, *, by) -> None:
    with transaction.atomic():
        grant = _locked_grant(tranche.grant)
        locked = Tranche.objects.select_for_update().select_related("grant").get(pk=tranche.pk)
        _require_active(grant)
        if not condition_holds(locked):
            raise FollowUpError(
                _("This tranche cannot be released yet: %(condition)s.")
                % {"condition": locked.get_condition_display().lower()}
            )
        transition(locked, Tranche.Status.RELEASED, by=by)


def pay(tranche, *, paid_on: dt.date, reference: str, by) -> None:
    """Record the payment of a released tranche. The grant's row is locked, and the database
    refuses a paid amount above the grant's, so two payments at once cannot overpay."""
    if not reference.strip():
        raise FollowUpError(_("Give the payment's reference."))
    with transaction.atomic():
        grant = _locked_grant(tranche.grant)
        locked = Tranche.objects.select_for_update().get(pk=tranche.pk)
        _require_active(grant)
        if grant.paid_amount + locked.amount > grant.amount:
            raise FollowUpError(_("This payment would take the grant beyond its amount."))
        transition(
            locked,
            Tranche.Status.PAID,
            by=by,
            reason=reference,
            updates={"paid_on": paid_on, "payment_reference": reference},
        )
        Grant.objects.filter(pk=grant.pk).update(paid_amount=F("paid_amount") + locked.amount)


# --- Grantee reports ------------------------------------------------------------------------


def submit_report(report, *, activities_done, difficulties, beneficiaries, expenses, by) -> None:
    """The association's report: narrative, people reached ({public id: (women, men)}) and
    expenses (dicts with budget_line, label, amount, spent_on, receipt)."""
    with transaction.atomic():
        locked = GrantReport.objects.select_for_update().get(pk=report.pk)
        if locked.status not in {GrantReport.Status.EXPECTED, GrantReport.Status.CORRECTIONS}:
            raise FollowUpError(_("This report was already sent."))
        locked.activities_done, locked.difficulties = activities_done, difficulties
        locked.save(update_fields=["activities_done", "difficulties", "updated_at"])
        for public_id, (women, men) in beneficiaries.items():
            ReportBeneficiaries.objects.update_or_create(
                report=locked, target_public_id=public_id, defaults={"women": women, "men": men}
            )
        no_receipt = {"file": "", "original_name": "", "content_type": "", "size": 0}
        for expense in expenses:
            receipt = expense.pop("receipt", None)
            fields = (
                stored(receipt, by=by) if receipt is not None else {**no_receipt, "uploaded_by": by}
            )
            ReportExpense.objects.create(
                report=locked, receipt=fields.pop("file"), **fields, **expense
            )
        transition(
            locked,
            GrantReport.Status.SUBMITTED,
            by=by,
            updates={"submitted_at": timezone.now(), "submitted_by": by},
        )


def review_report(report, *, accept: bool, comment: str, by) -> None:
    if not accept and not comment.strip():
        raise FollowUpError(_("Say what the association must correct."))
    with transaction.atomic():
        locked = (
            GrantReport.objects.select_for_update()
            .select_related("grant__application")
            .get(pk=report.pk)
        )
        transition(
            locked,
            GrantReport.Status.ACCEPTED if accept else GrantReport.Status.CORRECTIONS,
            by=by,
            reason=comment,
            updates={"review_comment": comment, "reviewed_by": by, "reviewed_at": timezone.now()},
        )
        notify(
            members(locked.grant),
            "grants/email/report_reviewed",
            {
                "grant_id": locked.grant_id,
                "reference": locked.grant.reference,
                "kind": locked.kind,
                "accepted": accept,
                "comment": comment,
            },
        )


def overdue_reports(*, today=None):
    """Reports not (or not correctly) sent by their due date (``GrantReport.objects.overdue``)."""
    return GrantReport.objects.overdue(today or timezone.localdate()).select_related(
        "grant", "grant__application__association"
    )


def remind_overdue(*, today=None, every_days: int = 7) -> int:
    """E-mail the associations whose reports are overdue, at most once a week each."""
    today = today or timezone.localdate()
    now = timezone.now()
    count = 0
    for report in overdue_reports(today=today).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - dt.timedelta(days=every_days))
    ):
        with transaction.atomic():
            GrantReport.objects.filter(pk=report.pk).update(reminded_at=now)
            notify(
                members(report.grant),
                "grants/email/report_overdue",
                {
                    "grant_id": report.grant_id,
                    "reference": report.grant.reference,
                    "kind": report.kind,
                    "due_on": report.due_on.strftime("%d/%m/%Y"),
                },
            )
        count += 1
    return count


# --- Field visits and audits ----------------------------------------------------------------


def record_visit(grant, *, visited_on, findings, rating, files, by) -> FieldVisit:
    with transaction.atomic():
        visit = FieldVisit.objects.create(
            grant=grant, visited_on=visited_on, officer=by, findings=findings, rating=rating
        )
        for upload in files:
            FieldVisitFile.objects.create(visit=visit, **stored(upload, by=by))
    return visit


def open_audit(grant, *, kind, auditor, started_on, findings, by) -> Audit:
    with transaction.atomic():
        audit = Audit.objects.create(
            grant=grant, kind=kind, auditor=auditor, started_on=started_on, findings=findings
        )
        record_creation(audit, by=by)
    return audit


def add_recommendation(audit, *, text, due_on, by) -> AuditRecommendation:
    with transaction.atomic():
        if audit.status != Audit.Status.OPEN:
            raise FollowUpError(_("This audit is closed."))
        recommendation = AuditRecommendation.objects.create(audit=audit, text=text, due_on=due_on)
        record_creation(recommendation, by=by)
    return recommendation


def close_recommendation(recommendation, *, note, by) -> None:
    if not note.strip():
        raise FollowUpError(_("Say how the recommendation was addressed."))
    with transaction.atomic():
        transition(
            recommendation,
            AuditRecommendation.Status.CLOSED,
            by=by,
            reason=note,
            updates={"closing_note": note},
        )


def close_audit(audit, *, by) -> None:
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        if locked.recommendations.filter(status=AuditRecommendation.Status.OPEN).exists():
            raise FollowUpError(_("Close every recommendation before closing the audit."))
        transition(locked, Audit.Status.CLOSED, by=by)


# --- Suspension, cancellation, closure ------------------------------------------------------


def suspend(grant, *, reason, by) -> None:
    if not reason.strip():
        raise FollowUpError(_("Give the reason of the suspension."))
    with transaction.atomic():
        transition(_locked_grant(grant), Grant.Status.SUSPENDED, by=by, reason=reason)


def resume(grant, *, by) -> None:
    with transaction.atomic():
        transition(_locked_grant(grant), Grant.Status.ACTIVE, by=by)


def cancel(grant, *, reimbursement: Decimal, reason, by) -> None:
    """Cancel a grant; what was paid and must come back is recorded (≤ what was paid)."""
    if not reason.strip():
        raise FollowUpError(_("Give the reason of the cancellation."))
    with transaction.atomic():
        locked = _locked_grant(grant)
        if reimbursement < 0 or reimbursement > locked.paid_amount:
            raise FollowUpError(_("The amount to reimburse must be between 0 and what was paid."))
        transition(
            locked,
            Grant.Status.CANCELLED,
            by=by,
            reason=reason,
            updates={"reimbursement_amount": reimbursement},
        )
        # released but unpaid tranches are cancelled too: nothing more is paid
        unpaid = locked.tranches.select_for_update().filter(
            status__in=[Tranche.Status.PLANNED, Tranche.Status.RELEASED]
        )
        for tranche in unpaid:
            transition(tranche, Tranche.Status.CANCELLED, by=by, reason=reason)
        # a signed or running convention is terminated (conventions.receivers)
        signals.grant_cancelled.send(Grant, grant=locked, by=by, reason=reason)


def closure_problems(grant) -> list[str]:
    problems = []
    if not grant.reports.filter(
        kind=GrantReport.Kind.FINAL, status=GrantReport.Status.ACCEPTED
    ).exists():
        problems.append(_("The final report is not accepted."))
    if grant.paid_amount != grant.amount:
        problems.append(_("Not everything is paid."))
    return problems


def close(grant, *, by) -> None:
    with transaction.atomic():
        locked = _locked_grant(grant)
        problems = closure_problems(locked)
        if problems:
            raise FollowUpError(" ".join(problems))
        transition(locked, Grant.Status.CLOSED, by=by, updates={"ends_on": timezone.localdate()})
        # the convention ends with it (conventions.receivers)
        signals.grant_closed.send(Grant, grant=locked, by=by)
