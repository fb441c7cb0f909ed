"""Background jobs computing integrity signals: thin, by id, idempotent."""

from celery import shared_task
from django.db.models import Q


@shared_task(acks_late=True)
def compute_application_signals(application_id: int) -> int:
    from grants.models import Application
    from integrity.services import compute_signals

    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return 0
    return len(compute_signals(application))


def _recompute(applications) -> int:
    from integrity.services import compute_signals

    count = 0
    for application in applications.order_by("pk").iterator():
        compute_signals(application)
        count += 1
    return count


@shared_task(acks_late=True)
def compute_rib_signals(ribs: list[str], association_id: int) -> int:
    """After a RIB change: the applications of every association holding the old or the new
    RIB, and of the association itself."""
    from integrity.services import applications_to_watch

    return _recompute(
        applications_to_watch().filter(
            Q(association_id=association_id) | Q(association__rib__in=ribs)
        )
    )


@shared_task(acks_late=True)
def compute_person_signals(user_id: int) -> int:
    """After a membership changed: the applications of every association the person is in."""
    from integrity.services import applications_to_watch

    return _recompute(applications_to_watch().filter(association__memberships__user_id=user_id))


@shared_task(acks_late=True)
def compute_association_signals(association_id: int) -> int:
    """After one of the association's grants, reports or audits changed: its applications."""
    from integrity.services import applications_to_watch

    return _recompute(applications_to_watch().filter(association_id=association_id))


@shared_task
def recompute_all_signals() -> int:
    """Every night: what time changes (reports become overdue) and what no event announces."""
    from integrity.services import applications_to_watch

    return _recompute(applications_to_watch())
