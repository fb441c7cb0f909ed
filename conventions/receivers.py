"""The grant convention follows its grant: receivers of ``grants.signals``, connected in
``ConventionsConfig.ready()``; they run in the sender's transaction."""

from django.dispatch import receiver

from conventions import services
from grants import signals


@receiver(signals.grant_prepared, dispatch_uid="conventions.grant_prepared")
def draft_convention(sender, *, grant, by, **kwargs):
    services.create_grant_convention(grant, by=by)


@receiver(signals.grant_signed, dispatch_uid="conventions.grant_signed")
def sign_convention(sender, *, grant, signed_on, scan, by, **kwargs):
    services.sign_grant_convention(grant, signed_on=signed_on, scan=scan, by=by)


@receiver(signals.grant_cancelled, dispatch_uid="conventions.grant_cancelled")
def terminate_convention(sender, *, grant, by, reason, **kwargs):
    services.terminate_grant_convention(grant, by=by, reason=reason)


@receiver(signals.grant_closed, dispatch_uid="conventions.grant_closed")
def end_convention(sender, *, grant, by, **kwargs):
    services.end_grant_convention(grant, by=by)


@receiver(signals.grant_withdrawn, dispatch_uid="conventions.grant_withdrawn")
def drop_draft(sender, *, grant, **kwargs):
    services.drop_grant_draft(grant)
