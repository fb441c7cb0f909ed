"""The ministry's side of applications: admissibility, reviewers and conflicts of interest,
scores, consensus, and the committee's decisions within each domain's envelope.

Every change runs in one transaction and goes through ``portal.workflow.transition`` (history);
associations are told of what concerns them after the commit (``notify_status``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Membership
from calls.models import Call, CallDomain
from grants import scoring, signals
from grants.minutes import minutes_pdf
from grants.models import (
    Application,
    CommitteeMinutes,
    ComplementRequest,
    Consensus,
    Decision,
    Grant,
    ReviewAssignment,
    Score,
)
from grants.services.apply import missing_documents, notify_status
from grants.tasks import prepare_grants
from portal.models import User
from portal.money import format_amount
from portal.outbox import send_task
from portal.roles import Role
from portal.workflow import record_creation, transition

S = Application.Status


class EvaluationError(Exception):
    """A rule of the evaluation refused the action; the message says why, for the user."""


def _locked(application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "association", "call_domain")
        .get(pk=application.pk)
    )


# --- Admissibility --------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckItem:
    label: str
    ok: bool
    detail: str = ""


def checklist(application) -> list[CheckItem]:
    """What staff check before declaring an application admissible."""
    items = []
    missing = missing_documents(application)
    items.append(
        CheckItem(
            _("Required documents present"),
            not missing,
            ", ".join(d.name for d in missing),
        )
    )
    today = timezone.localdate()
    expired = [
        d
        for d in application.association.documents.all()
        if d.expires_on is not None and d.expires_on < today
    ]
    items.append(
        CheckItem(
            _("Association's documents valid"),
            not expired,
            ", ".join(f"{d.get_kind_display()} ({d.expires_on:%d/%m/%Y})" for d in expired),
        )
    )
    items.append(
        CheckItem(_("Association verified by the ministry"), application.association.is_verified)
    )
    closes = application.call.closes_at
    items.append(
        CheckItem(
            _("Submitted before the deadline"),
            bool(application.submitted_at and closes and application.submitted_at < closes),
        )
    )
    cap = application.call_domain.max_grant if application.call_domain_id else None
    items.append(
        CheckItem(
            _("Amount requested within the domain's cap"),
            cap is not None and application.requested_amount <= cap,
            f"{format_amount(application.requested_amount)} / {format_amount(cap)}",
        )
    )
    return items


def declare_admissible(application, *, by) -> None:
    with transaction.atomic():
        locked = _locked(application)
        transition(locked, S.ADMISSIBLE, by=by)
        notify_status(locked)


def declare_inadmissible(application, *, by, reason: str) -> None:
    if not reason.strip():
        raise EvaluationError(_("Give the reasons: the association will read them."))
    with transaction.atomic():
        locked = _locked(application)
        transition(
            locked, S.INADMISSIBLE, by=by, reason=reason, updates={"inadmissibility_reason": reason}
        )
        notify_status(locked, message=reason)


def request_complements(application, *, by, message: str, due_at) -> ComplementRequest:
    if due_at <= timezone.now():
        raise EvaluationError(_("The due date must be in the future."))
    with transaction.atomic():
        locked = _locked(application)
        request = ComplementRequest.objects.create(
            application=locked, message=message, due_at=due_at, requested_by=by
        )
        transition(locked, S.COMPLEMENTS_REQUESTED, by=by, reason=message)
        notify_status(locked, message=message)
    return request


def expire_complements(*, now=None) -> int:
    """Unanswered requests past their due date make the application inadmissible."""
    now = now or timezone.now()
    count = 0
    due = ComplementRequest.objects.filter(
        answered_at=None, due_at__lte=now, application__status=S.COMPLEMENTS_REQUESTED
    ).values_list("application_id", "due_at")
    for application_id, due_at in due:
        with transaction.atomic():
            locked = _locked(Application(pk=application_id))
            if locked.status != S.COMPLEMENTS_REQUESTED:
                continue
            reason = _("The complements requested were not sent by %(date)s.") % {
                "date": timezone.localtime(due_at).strftime("%d/%m/%Y %H:%M")
            }
            transition(
                locked, S.INADMISSIBLE, reason=reason, updates={"inadmissibility_reason": reason}
            )
            notify_status(locked, message=reason)
            count += 1
    return count


# --- Reviewers ------------------------------------------------------------------------------


def reviewers():
    return User.objects.filter(groups__name=Role.REVIEWER, is_active=True).order_by("pk")


def conflict_reasons(reviewer, application) -> list[str]:
    """Why ``reviewer`` may not review ``application`` under the configured rules."""
    rules = set(settings.REVIEW_CONFLICT_RULES)
    association = application.association
    found = []
    if (
        "member" in rules
        and Membership.objects.filter(user=reviewer, association_id=association.pk).exists()
    ):
        found.append(_("member of the applicant association"))
    if (
        "same_commune" in rules
        and reviewer.commune_id
        and reviewer.commune_id
        in {
            association.commune_id,
            application.commune_id,
        }
    ):
        found.append(_("same commune as the applicant association"))
    if "same_province" in rules and reviewer.commune_id:
        province = reviewer.commune.province_id
        if province in {association.province_id, application.province_id}:
            found.append(_("same province as the applicant association"))
    return found


def _start_review(locked, *, by) -> None:
    if locked.status == S.ADMISSIBLE:
        transition(locked, S.UNDER_REVIEW, by=by)


def assign(application, reviewer, *, by) -> ReviewAssignment:
    reasons = conflict_reasons(reviewer, application)
    if reasons:
        raise EvaluationError(
            _("%(name)s cannot review this application: %(reasons)s.")
            % {"name": reviewer.get_full_name() or reviewer.email, "reasons": ", ".join(reasons)}
        )
    with transaction.atomic():
        locked = _locked(application)
        if locked.status not in {S.ADMISSIBLE, S.UNDER_REVIEW, S.REVIEWED}:
            raise EvaluationError(_("Only admissible applications are reviewed."))
        if ReviewAssignment.objects.filter(application=locked, reviewer=reviewer).exists():
            raise EvaluationError(_("This reviewer is already assigned to the application."))
        assignment = ReviewAssignment.objects.create(
            application=locked, reviewer=reviewer, assigned_by=by
        )
        _start_review(locked, by=by)
        if locked.status == S.REVIEWED:  # a new reviewer reopens the review
            transition(locked, S.UNDER_REVIEW, by=by)
    return assignment


ACTIVE = (
    ReviewAssignment.Status.ASSIGNED,
    ReviewAssignment.Status.IN_PROGRESS,
    ReviewAssignment.Status.SUBMITTED,
)


def auto_assign(call, *, by, per_application: int | None = None) -> int:
    """Give every admissible application of ``call`` its reviewers: never a conflicted one,
    the least loaded first, so that loads differ by one at most. Returns how many were made."""
    wanted = per_application or call.reviewers_per_application
    pool = list(reviewers().select_related("commune"))
    load = Counter(
        ReviewAssignment.objects.filter(application__call=call, status__in=ACTIVE).values_list(
            "reviewer_id", flat=True
        )
    )
    made = 0
    applications = (
        Application.objects.filter(call=call, status__in=[S.ADMISSIBLE, S.UNDER_REVIEW])
        .select_related("association", "call")
        .order_by("reference", "pk")
    )
    for application in applications:
        taken = dict(
            ReviewAssignment.objects.filter(application=application).values_list(
                "reviewer_id", "status"
            )
        )
        active = sum(1 for status in taken.values() if status in ACTIVE)
        candidates = sorted(
            (r for r in pool if r.pk not in taken and not conflict_reasons(r, application)),
            key=lambda r: (load[r.pk], r.pk),
        )
        for reviewer in candidates[: max(wanted - active, 0)]:
            assign(application, reviewer, by=by)
            load[reviewer.pk] += 1
            made += 1
    return made


def declare_conflict(assignment, *, reason: str) -> None:
    if not reason.strip():
        raise EvaluationError(_("Say what the conflict of interest is."))
    with transaction.atomic():
        locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        transition(
            locked,
            ReviewAssignment.Status.CONFLICT,
            by=locked.reviewer,
            reason=reason,
            updates={"conflict_reason": reason},
        )
        recompute(locked.application)


def declare_no_conflict(assignment) -> None:
    with transaction.atomic():
        locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        transition(
            locked,
            ReviewAssignment.Status.IN_PROGRESS,
            by=locked.reviewer,
            updates={"no_conflict_declared_at": timezone.now()},
        )


# --- Scores ---------------------------------------------------------------------------------


def grid_of(call) -> list[scoring.GridCriterion]:
    return [
        scoring.GridCriterion(c.pk, c.weight, c.max_score, c.pass_mark)
        for c in call.criteria.order_by("order")
    ]


def save_review(assignment, *, values: dict, comment: str, submit: bool) -> None:
    """``values``: {criterion id: (score, comment)}. Submitting needs every criterion."""
    with transaction.atomic():
        locked = (
            ReviewAssignment.objects.select_for_update()
            .select_related("application__call")
            .get(pk=assignment.pk)
        )
        if locked.status != ReviewAssignment.Status.IN_PROGRESS:
            raise EvaluationError(_("This review cannot be changed now."))
        criteria = {c.pk: c for c in locked.application.call.criteria.all()}
        for criterion_id, (value, text) in values.items():
            criterion = criteria[criterion_id]
            if value is None:
                continue
            if value < 0 or value > criterion.max_score:
                raise EvaluationError(
                    _("“%(criterion)s” is scored from 0 to %(max)s.")
                    % {"criterion": criterion.name, "max": criterion.max_score.normalize()}
                )
            Score.objects.update_or_create(
                assignment=locked, criterion=criterion, defaults={"value": value, "comment": text}
            )
        locked.comment = comment
        locked.save(update_fields=["comment", "updated_at"])
        if submit:
            scored = set(locked.scores.values_list("criterion_id", flat=True))
            if set(criteria) - scored:
                raise EvaluationError(_("Score every criterion before submitting the review."))
            transition(
                locked,
                ReviewAssignment.Status.SUBMITTED,
                by=locked.reviewer,
                updates={"submitted_at": timezone.now()},
            )
            recompute(locked.application)


def recompute(application) -> scoring.Result:
    """The application's score, pass/fail and disagreement from its submitted reviews; when
    every active review is in, the application is reviewed."""
    locked = _locked(application)
    call = locked.call
    submitted = {}
    for score in Score.objects.filter(
        assignment__application=locked, assignment__status=ReviewAssignment.Status.SUBMITTED
    ):
        submitted.setdefault(score.assignment_id, {})[score.criterion_id] = score.value
    consensus = Consensus.objects.filter(application=locked).values_list("score", flat=True).first()
    result = scoring.application_result(
        grid_of(call),
        submitted.values(),
        threshold=call.pass_threshold,
        gap=call.disagreement_gap,
        consensus=consensus,
    )
    Application.objects.filter(pk=locked.pk).update(
        score=result.score, passes_grid=result.passes, needs_consensus=result.needs_consensus
    )
    pending = ReviewAssignment.objects.filter(
        application=locked,
        status__in=[ReviewAssignment.Status.ASSIGNED, ReviewAssignment.Status.IN_PROGRESS],
    ).exists()
    if locked.status == S.UNDER_REVIEW and submitted and not pending:
        transition(locked, S.REVIEWED)
    return result


def record_consensus(application, *, score: Decimal, comment: str, by) -> None:
    if not comment.strip():
        raise EvaluationError(_("Explain the consensus: it stays in the file."))
    with transaction.atomic():
        locked = _locked(application)
        Consensus.objects.update_or_create(
            application=locked, defaults={"score": score, "comment": comment, "moderator": by}
        )
        recompute(locked)


# --- Ranking and decisions ------------------------------------------------------------------


def open_minutes(call) -> CommitteeMinutes:
    """The call's current minutes; decisions are refused once they are closed.

    The first decision of a call opens its minutes. Decisions in different domains do not wait
    for each other (each locks its own domain), so the minutes are created under a lock on the
    call's row: whoever comes second waits, then finds the minutes the first one made."""
    minutes = CommitteeMinutes.objects.filter(call=call).order_by("-number").first()
    if minutes is None:
        Call.objects.select_for_update().only("pk").get(pk=call.pk)
        minutes = CommitteeMinutes.objects.filter(call=call).order_by("-number").first()
        if minutes is None:
            minutes = CommitteeMinutes.objects.create(call=call, number=1)
    if minutes.status == CommitteeMinutes.Status.CLOSED:
        raise EvaluationError(
            _(
                "The committee's minutes are closed: reopen them, with a reason, to change a "
                "decision."
            )
        )
    return minutes


OUTCOME_STATE = {
    Decision.Outcome.APPROVED: S.APPROVED,
    Decision.Outcome.WAITLISTED: S.WAITLISTED,
    Decision.Outcome.REJECTED: S.REJECTED,
}


def decide(application, *, outcome: str, amount: Decimal | None, reason: str, by) -> Decision:
    """Record the committee's decision. The domain's row is locked, so the approved amounts
    never exceed the envelope, even when two members approve at the same moment."""
    with transaction.atomic():
        locked = _locked(application)
        call_domain = CallDomain.objects.select_for_update().get(pk=locked.call_domain_id)
        minutes = open_minutes(locked.call)
        if locked.status not in {S.REVIEWED, S.APPROVED, S.WAITLISTED, S.REJECTED}:
            raise EvaluationError(_("Only reviewed applications can be decided."))
        if locked.needs_consensus:
            raise EvaluationError(_("The reviewers disagree: record a consensus first."))
        previous = Decision.objects.filter(application=locked).first()
        released = (
            previous.amount if previous and previous.outcome == Decision.Outcome.APPROVED else 0
        )
        if outcome == Decision.Outcome.APPROVED:
            _check_approval(locked, call_domain, amount, released)
        else:
            amount = None
            if outcome == Decision.Outcome.REJECTED and not reason.strip():
                raise EvaluationError(
                    _("Give the reason of the rejection: the association will read it.")
                )
        if previous and previous.outcome == Decision.Outcome.APPROVED and amount != previous.amount:
            _withdraw_pending_grant(locked)
        delta = (amount or 0) - released
        if delta:
            CallDomain.objects.filter(pk=call_domain.pk).update(committed=F("committed") + delta)
        decision, _created = Decision.objects.update_or_create(
            application=locked,
            defaults={
                "minutes": minutes,
                "outcome": outcome,
                "requested_amount": locked.requested_amount,
                "amount": amount,
                "reason": reason,
                "decided_by": by,
                "decided_at": timezone.now(),
            },
        )
        target = OUTCOME_STATE[outcome]
        if locked.status != target:
            if target not in Application.TRANSITIONS[locked.status]:
                transition(locked, S.REVIEWED, by=by, reason=_("Decision changed."))
            transition(locked, target, by=by, reason=reason)
            notify_status(locked, message=reason)
    return decision


def _check_approval(application, call_domain, amount, released) -> None:
    """An approved amount is ≤ the amount requested, ≤ the domain's cap, ≤ what remains."""
    if amount is None or amount <= 0:
        raise EvaluationError(_("Give the amount approved."))
    if amount > application.requested_amount:
        raise EvaluationError(
            _("The amount approved cannot exceed the amount requested (%(requested)s DH).")
            % {"requested": format_amount(application.requested_amount)}
        )
    if amount > call_domain.max_grant:
        raise EvaluationError(
            _("The amount approved exceeds the domain's cap of %(cap)s DH.")
            % {"cap": format_amount(call_domain.max_grant)}
        )
    remaining = call_domain.envelope - call_domain.committed + released
    if amount > remaining:
        raise EvaluationError(
            _("Only %(remaining)s DH remain in this domain's envelope.")
            % {"remaining": format_amount(remaining)}
        )


def _withdraw_pending_grant(application) -> None:
    """A changed approval drops the grant made at the last sign-off, unless it is already
    running (signed or paid), in which case the decision stands."""
    grant = Grant.objects.select_for_update().filter(application=application).first()
    if grant is None:
        return
    if grant.status != Grant.Status.PENDING_SIGNATURE or grant.paid_amount:
        raise EvaluationError(
            _("The grant %(reference)s is already running: its decision cannot change.")
            % {"reference": grant.reference}
        )
    # The unsigned draft convention goes with it (conventions.receivers).
    signals.grant_withdrawn.send(Grant, grant=grant)
    grant.delete()


def close_minutes(minutes, *, by) -> None:
    """Sign off the committee's decisions: they are frozen and each approval becomes a grant."""
    with transaction.atomic():
        locked = CommitteeMinutes.objects.select_for_update().get(pk=minutes.pk)
        transition(
            locked,
            CommitteeMinutes.Status.CLOSED,
            by=by,
            updates={"closed_at": timezone.now(), "closed_by": by},
        )
        # decisions recorded outside the portal's committee page belong to these minutes too
        Decision.objects.filter(application__call=locked.call, minutes=None).update(minutes=locked)
        approved = Decision.objects.filter(
            minutes=locked, outcome=Decision.Outcome.APPROVED
        ).select_related("application")
        grant_ids = []
        for decision in approved:
            application = decision.application
            grant, created = Grant.objects.get_or_create(
                application=application,
                defaults={
                    "reference": application.reference.replace(f"{locked.call.code}-", "SUB-", 1),
                    "amount": decision.amount,
                    "awarded_on": timezone.localdate(),
                },
            )
            if created:
                record_creation(grant, by=by)
            grant_ids.append(grant.pk)

        send_task(prepare_grants, grant_ids)
        locked.pdf.save(
            f"pv-{locked.call.code}-{locked.call.edition}-{locked.number}.pdf",
            ContentFile(minutes_pdf(locked)),
            save=True,
        )


def reopen_minutes(minutes, *, by, reason: str) -> None:
    if not reason.strip():
        raise EvaluationError(_("Say why the minutes are reopened: it stays on record."))
    with transaction.atomic():
        locked = CommitteeMinutes.objects.select_for_update().get(pk=minutes.pk)
        transition(locked, CommitteeMinutes.Status.OPEN, by=by, reason=reason)
