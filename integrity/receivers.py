"""When integrity signals are recomputed: on each submission, when an association's RIB
changes, when a membership is added or changes role (a job each, after the commit), and every
night for every application still before the committee (overdue reports, closed audits)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from associations.models import Association, Membership
from grants.signals import application_submitted
from integrity import tasks
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
