"""When integrity signals are recomputed: on each submission, when an association's RIB
changes, when a membership is added or changes role, when one of its grants, reports, audits or
audit recommendations changes state or a recommendation is made (a job each, after the commit),
and every night for every application still before the committee (reports that became overdue
as time passed)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from associations.models import Association, Membership
from grants.models import Audit, AuditRecommendation, Grant, GrantReport
from grants.signals import application_submitted
from integrity import tasks
from portal.models import StatusChange
from portal.outbox import send_task


@receiver(application_submitted, dispatch_uid="integrity_on_submission")
def on_submission(sender, application, **kwargs):
    send_task(tasks.compute_application_signals, application.pk)


@receiver(pre_save, sender=Association, dispatch_uid="integrity_rib_before")
def remember_rib(sender, instance, **kwargs):
    if instance.pk:
        instance._integrity_old_rib = (
            Association.objects.filter(pk=instance.pk).values_list("rib", flat=True).first()
        )


@receiver(post_save, sender=Association, dispatch_uid="integrity_rib_after")
def on_rib_change(sender, instance, created, raw=False, **kwargs):
    old = getattr(instance, "_integrity_old_rib", None)
    if raw or created or old is None or old == instance.rib:
        return
    # the association's own applications, and those of the associations sharing either RIB
    send_task(tasks.compute_rib_signals, [rib for rib in {old, instance.rib} if rib], instance.pk)


@receiver(post_save, sender=Membership, dispatch_uid="integrity_membership")
def on_membership(sender, instance, raw=False, **kwargs):
    if not raw:
        send_task(tasks.compute_person_signals, instance.user_id)


# What an earlier grant owes (``unfinished_obligations``), and how to reach its association.
OBLIGATIONS = {
    Grant: "application__association_id",
    GrantReport: "grant__application__association_id",
    Audit: "grant__application__association_id",
    AuditRecommendation: "audit__grant__application__association_id",
}


def _recompute_association_of(model, pk) -> None:
    association_id = model.objects.filter(pk=pk).values_list(OBLIGATIONS[model], flat=True).first()
    if association_id is not None:
        send_task(tasks.compute_association_signals, association_id)


@receiver(post_save, sender=StatusChange, dispatch_uid="integrity_obligation_moved")
def on_obligation_moved(sender, instance, created, raw=False, **kwargs):
    """A grant suspended or cancelled, a report accepted, an audit or a recommendation closed:
    states move through ``transition()``, which writes a ``StatusChange``."""
    model = instance.content_type.model_class()
    if created and not raw and model in OBLIGATIONS:
        _recompute_association_of(model, instance.object_id)


@receiver(post_save, sender=AuditRecommendation, dispatch_uid="integrity_recommendation_made")
def on_recommendation_made(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _recompute_association_of(AuditRecommendation, instance.pk)
