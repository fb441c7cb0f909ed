"""``AuditEntry``: one row per recorded action, append-only.

Nothing in the portal changes or deletes an entry: ``save()`` refuses an existing row,
``delete()`` refuses, and the manager's queryset refuses ``update()``, ``delete()`` and
``bulk_update()``. On PostgreSQL a trigger (migration ``0002``) refuses UPDATE and DELETE of
any row and TRUNCATE of the table, whatever client sends them; TRUNCATE passes only in a
session that sets ``audit.allow_truncate = on`` (the test suite's flush between tests does;
the portal never does).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnly(Exception):
    """An audit entry cannot be changed or deleted."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AppendOnly("audit entries cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("audit entries cannot be changed")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AppendOnly("audit entries cannot be changed")

    def _update(self, values):  # what Model.save() and related managers use
        raise AppendOnly("audit entries cannot be changed")

    def _raw_delete(self, using):
        raise AppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", pgettext_lazy("audit", "Login")
        LOGIN_FAILED = "login_failed", pgettext_lazy("audit", "Failed login")
        LOGOUT = "logout", pgettext_lazy("audit", "Logout")
        EXPORT = "export", pgettext_lazy("audit", "Export")
        BILAN_ORDERED = "bilan_ordered", pgettext_lazy("audit", "Bilan ordered")
        ADMIN_CHANGE = "admin_change", pgettext_lazy("audit", "Change in the admin")
        DOCUMENT_DOWNLOADED = "document_downloaded", pgettext_lazy("audit", "Document downloaded")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    # The entry outlives the account: no database constraint and nothing done when the user is
    # deleted (an update of the entry would be refused); ``actor_email`` says who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The actor's e-mail address at the time; for a failed login, the identifier typed in the
    # login form, as typed (cut to 254 characters): brute force and credential stuffing are
    # investigated by it, and it may name no account at all.
    actor_email = models.CharField(_("e-mail address"), max_length=254, blank=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ("-created_at", "-id")
        indexes = [
            # the page's "person" and "object" filters
            models.Index(fields=["actor", "created_at"], name="audit_actor_created"),
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.actor_email}"

    @property
    def detail_text(self) -> str:
        import json

        return json.dumps(self.detail, ensure_ascii=False, sort_keys=True) if self.detail else ""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries cannot be deleted")
