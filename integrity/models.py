"""Integrity signals: patterns auditors look for, raised on an application before the
committee decides. Advisory: staff keep or dismiss each one, with the reason on record."""

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _

from associations.models import Association
from grants.models import Application, Grant
from portal.workflow import StateChoices, StatefulModel


class Signal(StatefulModel):
    """One pattern found on ``application``; ``key`` tells apart two signals of one kind
    (e.g. the other association, the other application)."""

    class Kind(models.TextChoices):
        SHARED_RIB = "shared_rib", _("Bank account (RIB) shared with another association")
        SHARED_PERSON = "shared_person", _("Bureau member of another applicant association")
        SIMILAR_TEXT = "similar_text", _("Project nearly identical to another application")
        UNFINISHED_OBLIGATIONS = "unfinished_obligations", _("Unfinished obligations")
        DOUBLE_FUNDING = "double_funding", _("Co-funding contradicted by another project")

    class Status(StateChoices):
        OPEN = "open", _("To examine")
        KEPT = "kept", _("Kept")
        DISMISSED = "dismissed", _("Dismissed")

        colours = enum.nonmember({"open": "warning", "kept": "danger", "dismissed": "secondary"})
        # Still to be weighed by the committee: the workspace's filter and the ranking's mark.
        open_states = enum.nonmember(frozenset({"open", "kept"}))

    TRANSITIONS = {
        Status.OPEN: frozenset({Status.KEPT, Status.DISMISSED}),
        Status.KEPT: frozenset({Status.DISMISSED}),
        Status.DISMISSED: frozenset({Status.KEPT}),
    }

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="integrity_signals",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=200)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    related_application = models.ForeignKey(
        Application,
        verbose_name=_("other application"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    related_association = models.ForeignKey(
        Association,
        verbose_name=_("other association"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    related_grant = models.ForeignKey(
        Grant,
        verbose_name=_("grant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("integrity signal")
        verbose_name_plural = _("integrity signals")
        ordering = ("application", "kind", "key")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "key"], name="integrity_signal_unique_key"
            ),
        ]
        indexes = [
            # workspace filter and ranking mark: Signal.objects.filter(application=…, status__in=…)
            models.Index(fields=["application", "status"], name="integrity_signal_app_status"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_kind_display()}"


class ProjectText(models.Model):
    """The normalised project text (title, summary, objectives, activities) of a sent
    application: what the near-duplicate search compares, with a trigram index on PostgreSQL."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    # On PostgreSQL a GIN trigram index (migration 0001, integrity_text_trgm) serves the
    # near-duplicate search's ``WHERE text %% %s`` (integrity.similarity.similar_on_postgres).

    class Meta:
        verbose_name = _("project text")
        verbose_name_plural = _("project texts")

    def __str__(self) -> str:
        return self.text[:80]
