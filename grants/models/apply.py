"""The association's side: applications, their content, versions, documents and complements."""

import enum
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Commune, Province, Region
from calls.models import Call, CallDomain, RequiredDocument, TargetPublic
from portal.files import safe_upload_path
from portal.models import StoredFile
from portal.money import amount_field, currency_field
from portal.workflow import StateChoices, StatefulModel

USER = settings.AUTH_USER_MODEL


def upload_receipt(instance, filename: str) -> str:
    return safe_upload_path("receipts", filename)


def upload_application_file(instance, filename: str) -> str:
    return safe_upload_path("applications", filename)


def upload_complement_file(instance, filename: str) -> str:
    return safe_upload_path("complements", filename)


# --- Applications ---------------------------------------------------------------------------


class Application(StatefulModel):
    """A proposal of an association to a call, in one domain."""

    class Status(StateChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        COMPLEMENTS_REQUESTED = "complements_requested", _("Complements requested")
        ADMISSIBLE = "admissible", _("Admissible")
        INADMISSIBLE = "inadmissible", _("Inadmissible")
        UNDER_REVIEW = "under_review", _("Under review")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

        colours = enum.nonmember(
            {
                "draft": "secondary",
                "submitted": "info",
                "complements_requested": "warning",
                "admissible": "info",
                "inadmissible": "danger",
                "under_review": "info",
                "reviewed": "info",
                "approved": "success",
                "waitlisted": "info",
                "rejected": "danger",
                "withdrawn": "danger",
            }
        )

        # The association may still edit the content.
        editable_states = enum.nonmember(frozenset({"draft"}))
        # Decided by the committee.
        decided_states = enum.nonmember(frozenset({"approved", "waitlisted", "rejected"}))
        # Sent to the ministry and not withdrawn.
        submitted_states = enum.nonmember(
            frozenset(
                {
                    "submitted",
                    "complements_requested",
                    "admissible",
                    "inadmissible",
                    "under_review",
                    "reviewed",
                    "approved",
                    "waitlisted",
                    "rejected",
                }
            )
        )

    S = Status
    TRANSITIONS = {
        S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
        # back to draft: the association reopens its application before the deadline
        S.SUBMITTED: frozenset(
            {S.DRAFT, S.ADMISSIBLE, S.INADMISSIBLE, S.COMPLEMENTS_REQUESTED, S.WITHDRAWN}
        ),
        S.COMPLEMENTS_REQUESTED: frozenset({S.SUBMITTED, S.INADMISSIBLE, S.WITHDRAWN}),
        S.ADMISSIBLE: frozenset({S.UNDER_REVIEW, S.INADMISSIBLE}),
        S.INADMISSIBLE: frozenset({S.ADMISSIBLE}),
        S.UNDER_REVIEW: frozenset({S.REVIEWED}),
        S.REVIEWED: frozenset({S.APPROVED, S.WAITLISTED, S.REJECTED, S.UNDER_REVIEW}),
        # back to reviewed: an explicit, recorded reopening of the committee's decision
        S.WAITLISTED: frozenset({S.APPROVED, S.REJECTED, S.REVIEWED}),
        S.APPROVED: frozenset({S.REVIEWED}),
        S.REJECTED: frozenset({S.REVIEWED}),
        S.WITHDRAWN: frozenset(),
    }

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    call_domain = models.ForeignKey(
        CallDomain,
        verbose_name=_("domain"),
        on_delete=models.PROTECT,
        related_name="applications",
        null=True,
        blank=True,
    )
    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    reference = models.CharField(_("reference"), max_length=40, null=True, blank=True)
    title = models.CharField(_("project title"), max_length=255, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    activities = models.TextField(_("activities"), blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_amount = amount_field(_("requested amount"), default=Decimal("0"))
    currency = currency_field()
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(
        _("score (out of 100)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passes_grid = models.BooleanField(_("passes the evaluation grid"), null=True, blank=True)
    needs_consensus = models.BooleanField(_("reviewers disagree"), default=False)
    inadmissibility_reason = models.TextField(_("reasons for inadmissibility"), blank=True)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="application_unique_reference"),
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0), name="application_requested_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="application_score_0_100",
            ),
        ]
        indexes = [
            # staff workspace: Application.objects.filter(call=…, status=…)
            models.Index(fields=["call", "status"], name="application_call_status_idx"),
        ]

    def __str__(self) -> str:
        return self.reference or self.title or _("Draft application")

    @property
    def domain(self):
        return self.call_domain.domain if self.call_domain_id else None

    @property
    def is_editable(self) -> bool:
        return self.status in self.Status.editable_states


class ApplicationSubmission(models.Model):
    """An immutable snapshot of what was sent, with its receipt. One row per version."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        USER,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    snapshot = models.JSONField(_("content sent"))
    receipt = models.FileField(_("receipt"), upload_to=upload_receipt, blank=True, max_length=255)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ("application", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="submission_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} v{self.number}"


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        STAFF = "staff", _("Staff")
        EQUIPMENT = "equipment", _("Equipment")
        OPERATIONS = "operations", _("Running costs")
        ACTIVITIES = "activities", _("Activities")
        TRAINING = "training", _("Training and capacity building")
        COMMUNICATION = "communication", _("Communication")
        OTHER = "other", _("Other")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    label = models.CharField(_("description"), max_length=255)
    total = amount_field(_("total cost"))
    association_share = amount_field(_("association's share"), default=Decimal("0"))
    cofunding_share = amount_field(_("other co-funders' share"), default=Decimal("0"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ("application", "order", "id")
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="budgetline_total_gte_0"),
            models.CheckConstraint(
                condition=Q(association_share__gte=0) & Q(cofunding_share__gte=0),
                name="budgetline_shares_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=F("association_share") + F("cofunding_share")),
                name="budgetline_shares_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def requested_share(self) -> Decimal:
        return self.total - self.association_share - self.cofunding_share


class CoFunder(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="cofunders",
    )
    name = models.CharField(_("co-funder"), max_length=255)
    amount = amount_field(_("amount"))
    confirmed = models.BooleanField(_("confirmed"), default=False)

    class Meta:
        verbose_name = _("co-funder")
        verbose_name_plural = _("co-funders")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="cofunder_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


class Beneficiaries(models.Model):
    """How many women and men of one target public a project reaches."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="beneficiaries",
    )
    target_public = models.ForeignKey(
        TargetPublic, verbose_name=_("target public"), on_delete=models.PROTECT, related_name="+"
    )
    women = models.PositiveIntegerField(_("women and girls"), default=0)
    men = models.PositiveIntegerField(_("men and boys"), default=0)

    class Meta:
        verbose_name = _("beneficiaries")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "target_public"], name="beneficiaries_unique_public"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_public}: {self.women + self.men}"

    @property
    def total(self) -> int:
        return self.women + self.men


class ApplicationDocument(StoredFile):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    required_document = models.ForeignKey(
        RequiredDocument,
        verbose_name=_("required document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=upload_application_file, max_length=255)
    # Set when the association removes, from a reopened draft, a file an earlier version lists:
    # the file stays readable with that version.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ("application", "uploaded_at")


class ComplementRequest(models.Model):
    """Staff ask for missing pieces; the association answers by the due date."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="complement_requests",
    )
    message = models.TextField(_("what is missing"))
    due_at = models.DateTimeField(_("answer due by"))
    requested_by = models.ForeignKey(
        USER,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("request for complements")
        verbose_name_plural = _("requests for complements")
        ordering = ("application", "-requested_at")
        indexes = [
            # periodic job: ComplementRequest.objects.filter(answered_at=None, due_at__lt=now)
            models.Index(
                fields=["due_at"],
                condition=Q(answered_at__isnull=True),
                name="complement_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.due_at:%Y-%m-%d}"


class ComplementFile(StoredFile):
    request = models.ForeignKey(ComplementRequest, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=upload_complement_file, max_length=255)

    class Meta:
        verbose_name = _("complement file")
        verbose_name_plural = _("complement files")
