"""The hooks of the audit log, one place each:

- logins, logouts and failed logins: Django's ``user_logged_in``, ``user_logged_out`` and
  ``user_login_failed`` (allauth's login form authenticates through Django, so both the
  portal's form and the admin, which logs in through it, send them);
- changes in the admin: every ``LogEntry`` the admin saves (add, change, delete of one object)
  and, for the changelist's "delete selected" action whose history entries are written in
  bulk (without signals), each object it deletes;
- admin imports: ``portal.signals.import_done`` once an import job has written its rows;
- exports: ``portal.signals.list_exported`` (the staff lists of ``portal.lists`` and the
  admin's export);
- downloads of documents holding personal data by the ministry's side:
  ``portal.signals.document_served``.

Bilan orders are recorded by ``reports.services.report_request`` itself.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from audit.models import AuditEntry
from audit.services import current_request, is_ministry_side, record
from portal import signals

Kind = AuditEntry.Kind
ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}
# Credentials that may hold the identifier a person typed (allauth passes ``email``).
IDENTIFIER_FIELDS = ("email", "username", "login")


@receiver(user_logged_in, dispatch_uid="audit.login")
def login_succeeded(sender, request, user, **kwargs):
    record(kind=Kind.LOGIN_SUCCEEDED, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(kind=Kind.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    """The identifier as typed (never the password: Django masks it before sending)."""
    identifier = next(
        (str(credentials[field]) for field in IDENTIFIER_FIELDS if credentials.get(field)), ""
    )
    record(kind=Kind.LOGIN_FAILED, actor=None, actor_email=identifier, request=request)


@receiver(post_save, sender=LogEntry, dispatch_uid="audit.admin_change")
def admin_change(sender, instance: LogEntry, created, raw=False, **kwargs):
    if not created or raw:
        return
    record(
        kind=Kind.ADMIN_CHANGE,
        actor=instance.user,
        content_type=instance.content_type,
        object_id=instance.object_id,
        object_repr=instance.object_repr,
        detail={
            "action": ACTIONS.get(instance.action_flag, str(instance.action_flag)),
            "message": instance.get_change_message(),
        },
    )


@receiver(post_delete, dispatch_uid="audit.admin_bulk_delete")
def admin_bulk_delete(sender, instance, origin=None, **kwargs):
    """An object the admin's "delete selected" action deletes (its ``LogEntry`` rows are
    bulk-created, so ``admin_change`` does not see them). Objects deleted in cascade are not
    the changelist's model and are left out, as the admin's own history does."""
    request = current_request.get()
    match = getattr(request, "resolver_match", None)
    if match is None or sender is AuditEntry:
        return
    opts = sender._meta
    if (
        match.namespace != "admin"
        or match.url_name != f"{opts.app_label}_{opts.model_name}_changelist"
    ):
        return
    record(
        kind=Kind.ADMIN_CHANGE,
        request=request,
        content_type=ContentType.objects.get_for_model(sender, for_concrete_model=False),
        object_id=instance.pk,
        object_repr=str(instance),
        detail={"action": ACTIONS[DELETION], "message": ""},
    )


@receiver(signals.import_done, dispatch_uid="audit.import_done")
def import_done(sender, job, summary, **kwargs):
    record(
        kind=Kind.ADMIN_CHANGE,
        actor=job.created_by,
        obj=job,
        detail={
            "action": "imported",
            "model": job.model,
            "file": job.original_name,
            "rows": {
                key: summary.get("totals", {}).get(key, 0) for key in ("new", "update", "delete")
            },
        },
    )


@receiver(signals.list_exported, dispatch_uid="audit.export")
def exported(sender, *, request, name, fmt, rows, filters, **kwargs):
    record(
        kind=Kind.EXPORT,
        request=request,
        content_type=(
            ContentType.objects.get_for_model(sender, for_concrete_model=False) if sender else None
        ),
        object_repr=name,
        detail={"file": f"{name}.{fmt}", "format": fmt, "rows": rows, "filters": filters},
    )


@receiver(signals.document_served, dispatch_uid="audit.document")
def document_served(sender, request, document, filename, **kwargs):
    if not is_ministry_side(request.user):
        return
    record(kind=Kind.DOCUMENT_DOWNLOADED, request=request, obj=document, detail={"file": filename})
