"""Computing an application's integrity signals, and staff's decisions on them.

``compute_signals(application)`` is idempotent: it finds every pattern that holds now, creates
the new signals (state *to examine*), refreshes the evidence of those that still hold — keeping
staff's decision on them — and deletes those that no longer hold. It runs in a job
(``integrity.tasks``), never on a page view.

The patterns:

- ``shared_rib``: another association has registered the same 24-digit RIB.
- ``shared_person``: a person with a bureau role (president, treasurer, secretary general) in
  the applicant association also has one in another association that has sent an application
  to the same call. People are matched by their account's e-mail, case-insensitively (the
  portal records no national ID number).
- ``similar_text``: the project text (title, summary, objectives, activities) reaches
  ``INTEGRITY_SIMILARITY_THRESHOLD`` (pg_trgm's similarity) against a sent application of the
  same call or of an earlier call (an earlier or the same year), by another association, or by
  the same association when that project was funded (it has a grant).
- ``unfinished_obligations``: on an earlier grant of the association, a report overdue
  (``GrantReport.objects.overdue``, the one rule), an open audit recommendation, a suspended
  grant or an amount to reimburse; one signal per item.
- ``double_funding``: the budget declares a co-funder, and another application whose project
  text reaches the threshold (any association, any earlier or the same call) declares the same
  co-funder (names compared without case, accents or punctuation) and is funded (approved or
  with a grant): the co-funder's money for one project would be counted twice.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association, Membership
from grants.models import Application, AuditRecommendation, Grant, GrantReport
from integrity import similarity as text_similarity
from integrity.models import ProjectText, Signal
from portal.workflow import record_creation, transition

Kind = Signal.Kind
BUREAU_ROLES = (Membership.Role.PRESIDENT, Membership.Role.TREASURER, Membership.Role.SECRETARY)
# Applications that no longer count: never sent, or withdrawn by their association.
NOT_COUNTED = (Application.Status.DRAFT, Application.Status.WITHDRAWN)


class SignalError(Exception):
    """A decision on a signal that cannot be recorded."""


def normalise_name(name: str) -> str:
    """``"Fondation  Zakoura."`` and ``"fondation zakoura"`` are the same co-funder."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name
    return " ".join(re.findall(r"\w+", plain.lower()))


def _found(kind, key, evidence, **related) -> dict:
    return {"kind": kind, "key": str(key)[:200], "evidence": evidence, **related}


def _application_ref(other: Application) -> dict:
    return {
        "id": other.pk,
        "reference": other.reference or "",
        "title": other.title,
        "association": other.association.name_fr,
        "call": str(other.call),
        "status": other.get_status_display(),
    }


def shared_rib(application) -> list[dict]:
    rib = application.association.rib
    if not rib:
        return []
    others = Association.objects.filter(rib=rib).exclude(pk=application.association_id)
    return [
        _found(
            Kind.SHARED_RIB,
            other.pk,
            {"rib": rib, "association": other.name_fr, "association_id": other.pk},
            related_association=other,
        )
        for other in others.order_by("pk")
    ]


def shared_person(application) -> list[dict]:
    bureau = Membership.objects.filter(
        association=application.association_id, role__in=BUREAU_ROLES
    ).select_related("user")
    emails = {m.user.email.lower(): m for m in bureau if m.user.email}
    if not emails:
        return []
    applicants = (
        Application.objects.filter(call=application.call_id)
        .exclude(status__in=NOT_COUNTED)
        .exclude(association=application.association_id)
        .values("association_id")
    )
    query = Q()
    for email in emails:
        query |= Q(user__email__iexact=email)
    found = []
    for other in (
        Membership.objects.filter(query, role__in=BUREAU_ROLES, association__in=applicants)
        .select_related("user", "association")
        .order_by("association_id", "user_id")
    ):
        own = emails[other.user.email.lower()]
        found.append(
            _found(
                Kind.SHARED_PERSON,
                f"{other.user.email.lower()}:{other.association_id}",
                {
                    "person": other.user.get_full_name() or other.user.email,
                    "email": other.user.email,
                    "role_here": own.get_role_display(),
                    "role_there": other.get_role_display(),
                    "association": other.association.name_fr,
                    "association_id": other.association_id,
                },
                related_association=other.association,
            )
        )
    return found


def similar_candidates(application):
    """The applications a project may not repeat: sent, of this call or an earlier one, by
    another association, or by the same one when funded."""
    return (
        Application.objects.exclude(pk=application.pk)
        .exclude(status__in=NOT_COUNTED)
        .filter(call__year__lte=application.call.year)
        .filter(
            ~Q(association=application.association_id)
            | Q(grant__isnull=False)
            | Q(status=Application.Status.APPROVED)
        )
    )


def narrowed(application, candidates):
    """Where the similarity is computed in Python: the same call, or the same domain."""
    if application.call_domain_id is None:
        return candidates.filter(call=application.call_id)
    return candidates.filter(
        Q(call=application.call_id) | Q(call_domain__domain=application.call_domain.domain_id)
    )


def similar_matches(application) -> list[text_similarity.Match]:
    from django.db import connection

    candidates = similar_candidates(application)
    if connection.vendor != "postgresql":
        candidates = narrowed(application, candidates)
    return text_similarity.similar_applications(application, candidates)


def similar_text(application, matches) -> list[dict]:
    others = Application.objects.select_related("association", "call").in_bulk(
        [m.application_id for m in matches]
    )
    found = []
    for match in matches:
        other = others[match.application_id]
        found.append(
            _found(
                Kind.SIMILAR_TEXT,
                other.pk,
                {
                    **_application_ref(other),
                    "same_association": other.association_id == application.association_id,
                    "text": text_similarity.project_text(application),
                    "other_text": text_similarity.project_text(other),
                },
                related_application=other,
                related_association=other.association,
                similarity=match.similarity,
            )
        )
    return found


def unfinished_obligations(application, *, today=None) -> list[dict]:
    today = today or timezone.localdate()
    grants = Grant.objects.filter(application__association=application.association_id).exclude(
        application=application
    )
    found = []
    for report in (
        GrantReport.objects.overdue(today)
        .filter(grant__in=grants)
        .select_related("grant")
        .order_by("due_on", "pk")
    ):
        found.append(
            _found(
                Kind.UNFINISHED_OBLIGATIONS,
                f"report:{report.pk}",
                {
                    "what": "overdue_report",
                    "grant": report.grant.reference,
                    "report": report.get_kind_display(),
                    "due_on": report.due_on.isoformat(),
                },
                related_grant=report.grant,
            )
        )
    for recommendation in (
        AuditRecommendation.objects.filter(
            audit__grant__in=grants, status=AuditRecommendation.Status.OPEN
        )
        .select_related("audit__grant")
        .order_by("pk")
    ):
        found.append(
            _found(
                Kind.UNFINISHED_OBLIGATIONS,
                f"recommendation:{recommendation.pk}",
                {
                    "what": "open_recommendation",
                    "grant": recommendation.audit.grant.reference,
                    "recommendation": recommendation.text[:300],
                    "due_on": recommendation.due_on.isoformat() if recommendation.due_on else "",
                },
                related_grant=recommendation.audit.grant,
            )
        )
    for grant in grants.filter(
        Q(status=Grant.Status.SUSPENDED) | Q(reimbursement_amount__gt=0)
    ).order_by("pk"):
        if grant.status == Grant.Status.SUSPENDED:
            found.append(
                _found(
                    Kind.UNFINISHED_OBLIGATIONS,
                    f"suspended:{grant.pk}",
                    {"what": "suspended_grant", "grant": grant.reference},
                    related_grant=grant,
                )
            )
        if grant.reimbursement_amount > 0:
            found.append(
                _found(
                    Kind.UNFINISHED_OBLIGATIONS,
                    f"reimburse:{grant.pk}",
                    {
                        "what": "reimbursement",
                        "grant": grant.reference,
                        "amount": str(grant.reimbursement_amount),
                    },
                    related_grant=grant,
                )
            )
    return found


def double_funding(application, matches) -> list[dict]:
    declared = {
        normalise_name(c.name): c for c in application.cofunders.all() if normalise_name(c.name)
    }
    if not declared or not matches:
        return []
    similar = {m.application_id: m.similarity for m in matches}
    funded = (
        Application.objects.filter(pk__in=list(similar))
        .filter(Q(grant__isnull=False) | Q(status=Application.Status.APPROVED))
        .select_related("association", "call")
        .prefetch_related("cofunders")
        .order_by("pk")
    )
    found = []
    for other in funded:
        grant = Grant.objects.filter(application=other).first()
        for cofunder in other.cofunders.all():
            name = normalise_name(cofunder.name)
            if name not in declared:
                continue
            found.append(
                _found(
                    Kind.DOUBLE_FUNDING,
                    f"{other.pk}:{name}",
                    {
                        **_application_ref(other),
                        "cofunder": declared[name].name,
                        "amount": str(declared[name].amount),
                        "other_amount": str(cofunder.amount),
                        "grant": grant.reference if grant else "",
                    },
                    related_application=other,
                    related_association=other.association,
                    related_grant=grant,
                    similarity=similar[other.pk],
                )
            )
    return found


def find_signals(application) -> list[dict]:
    """Every pattern that holds now for ``application``, as the fields of a ``Signal``."""
    matches = similar_matches(application)
    return [
        *shared_rib(application),
        *shared_person(application),
        *similar_text(application, matches),
        *unfinished_obligations(application),
        *double_funding(application, matches),
    ]


@transaction.atomic
def compute_signals(application) -> list[Signal]:
    """Recompute ``application``'s signals (see the module's docstring); drafts and withdrawn
    applications have none."""
    application = Application.objects.select_related("association", "call", "call_domain").get(
        pk=application.pk
    )
    if application.status in NOT_COUNTED:
        Signal.objects.filter(application=application).delete()
        return []
    text_similarity.store_missing_texts()
    text_similarity.store_texts([application])
    existing = {(s.kind, s.key): s for s in Signal.objects.filter(application=application)}
    kept = []
    for fields in find_signals(application):
        signal = existing.pop((fields["kind"], fields["key"]), None)
        values = {
            "evidence": fields["evidence"],
            "similarity": fields.get("similarity"),
            "related_application": fields.get("related_application"),
            "related_association": fields.get("related_association"),
            "related_grant": fields.get("related_grant"),
        }
        if signal is None:
            signal = Signal.objects.create(
                application=application, kind=fields["kind"], key=fields["key"], **values
            )
            record_creation(signal)
        else:
            for name, value in values.items():
                setattr(signal, name, value)
            signal.save(update_fields=[*values, "updated_at"])
        kept.append(signal)
    if existing:  # no longer holds: the RIB was corrected, the report sent, the text changed
        Signal.objects.filter(pk__in=[s.pk for s in existing.values()]).delete()
    return kept


def applications_to_watch():
    """Sent applications not decided for good (not rejected, inadmissible, nor already a
    grant: the published history is never recomputed): those whose signals a change may
    alter."""
    return (
        Application.objects.exclude(status__in=NOT_COUNTED)
        .exclude(status__in=[Application.Status.REJECTED, Application.Status.INADMISSIBLE])
        .filter(grant__isnull=True)
    )


# --- Staff's decisions ------------------------------------------------------------------------


def keep(signal, *, by, reason: str = "") -> None:
    """The signal stays before the committee (and in the minutes if the application is
    approved); recorded in the signal's history."""
    transition(signal, Signal.Status.KEPT, by=by, reason=reason.strip())


def dismiss(signal, *, by, reason: str) -> None:
    """The signal does not hold; the reason is required, recorded in the history and shown to
    the committee."""
    if not reason or not reason.strip():
        raise SignalError(_("Say why the signal is dismissed: it stays on record."))
    transition(signal, Signal.Status.DISMISSED, by=by, reason=reason.strip())


def forget_project_text(application) -> None:
    """An application anonymised (``privacy``): its compared text, and the signals whose
    evidence quotes it (on it, or on another application about it), are deleted."""
    ProjectText.objects.filter(application=application).delete()
    Signal.objects.filter(Q(application=application) | Q(related_application=application)).delete()
