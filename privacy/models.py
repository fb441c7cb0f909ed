"""Personal data under law 09-08: consents given at sign-up, requests for erasure, and the
record of what erasure and the retention rules did to each object."""

import enum

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.workflow import StateChoices, StatefulModel


class Consent(models.Model):
    """A person accepted the personal-data notice of this version, on this date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    notice_version = models.CharField(_("notice version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ("user", "-given_at")

    def __str__(self) -> str:
        return f"{self.user} · {self.notice_version}"


class ErasureRequest(StatefulModel):
    """A person asks for the erasure of their personal data; staff carry it out.

    ``erased`` and ``kept`` are what the portal did: lists of ``{"object", "action"}`` and of
    ``{"object", "rule", "reason", "until"}`` (the retention rule that keeps each record)."""

    class Status(StateChoices):
        PENDING = "pending", _("Awaiting processing")
        DONE = "done", _("Carried out")

        colours = enum.nonmember({"pending": "warning", "done": "success"})

    TRANSITIONS = {Status.PENDING: frozenset({Status.DONE}), Status.DONE: frozenset()}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    # The address the request came from, kept so staff can answer the person afterwards.
    email = models.EmailField(_("e-mail at the time of the request"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("processed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    erased = models.JSONField(_("erased or anonymised"), default=list, blank=True)
    kept = models.JSONField(_("kept, and why"), default=list, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ("-requested_at",)
        constraints = [
            # one open request per person
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="erasure_one_pending_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.requested_at:%Y-%m-%d}"


class RetentionRecord(models.Model):
    """What erasure or a retention rule did to one object: the object's retention history."""

    class Action(models.TextChoices):
        ANONYMISED = "anonymised", _("Anonymised")
        DELETED = "deleted", _("Deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    label = models.CharField(_("object"), max_length=255)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    rule = models.CharField(_("rule"), max_length=60)
    detail = models.TextField(_("detail"), blank=True)
    erasure = models.ForeignKey(
        ErasureRequest,
        verbose_name=_("erasure request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("retention record")
        verbose_name_plural = _("retention records")
        ordering = ("-at", "-id")
        indexes = [
            # was this object already handled: filter(content_type=…, object_id=…)
            models.Index(fields=["content_type", "object_id"], name="retention_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label} · {self.get_action_display()}"
