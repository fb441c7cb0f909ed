"""The ministry's evaluation: reviews and scores, consensus, committee minutes and decisions."""

import enum

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Criterion
from portal.files import safe_upload_path
from portal.money import amount_field
from portal.workflow import StateChoices, StatefulModel

from .apply import Application

USER = settings.AUTH_USER_MODEL


def upload_minutes(instance, filename: str) -> str:
    return safe_upload_path("minutes", filename)


# --- Reviews ------------------------------------------------------------------------------


class ReviewAssignment(StatefulModel):
    """A reviewer assigned to an application; one per reviewer and application."""

    class Status(StateChoices):
        ASSIGNED = "assigned", _("Assigned")
        CONFLICT = "conflict", _("Conflict of interest declared")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

        colours = enum.nonmember(
            {
                "assigned": "secondary",
                "conflict": "warning",
                "in_progress": "info",
                "submitted": "success",
            }
        )

    TRANSITIONS = {
        Status.ASSIGNED: frozenset({Status.IN_PROGRESS, Status.CONFLICT}),
        Status.IN_PROGRESS: frozenset({Status.SUBMITTED}),
        Status.SUBMITTED: frozenset({Status.IN_PROGRESS}),
        Status.CONFLICT: frozenset(),
    }

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    reviewer = models.ForeignKey(
        USER, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    no_conflict_declared_at = models.DateTimeField(
        _("no conflict declared at"), null=True, blank=True
    )
    conflict_reason = models.TextField(_("conflict of interest"), blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ("application", "assigned_at")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="review_one_per_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.reviewer}"


class Score(models.Model):
    assignment = models.ForeignKey(
        ReviewAssignment,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.DecimalField(
        _("score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="score_one_per_criterion"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_value_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Consensus(models.Model):
    """The moderator's consensus score when reviewers disagree beyond the call's gap."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="consensus",
    )
    score = models.DecimalField(
        _("consensus score (out of 100)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    comment = models.TextField(_("comment"))
    moderator = models.ForeignKey(
        USER, verbose_name=_("moderator"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consensus")
        verbose_name_plural = _("consensus")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="consensus_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.score}"


# --- Decisions ------------------------------------------------------------------------------


class CommitteeMinutes(StatefulModel):
    """The procès-verbal of a call's committee; closing it freezes the decisions."""

    class Status(StateChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

        colours = enum.nonmember(
            {
                "open": "secondary",
                "closed": "success",
            }
        )

    TRANSITIONS = {
        Status.OPEN: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset({Status.OPEN}),  # explicit, recorded reopening
    }

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="minutes"
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(_("PDF"), upload_to=upload_minutes, blank=True, max_length=255)

    class Meta:
        verbose_name = _("committee minutes")
        verbose_name_plural = _("committee minutes")
        ordering = ("call", "number")
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="minutes_unique_number"),
        ]

    def __str__(self) -> str:
        return f"PV {self.number} · {self.call}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="decision",
    )
    minutes = models.ForeignKey(
        CommitteeMinutes,
        verbose_name=_("minutes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    requested_amount = amount_field(_("requested amount"))
    amount = amount_field(_("approved amount"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="decision_amount_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__lte=F("requested_amount")),
                name="decision_approved_lte_requested",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="approved") | Q(amount__isnull=False),
                name="decision_approved_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_outcome_display()}"
