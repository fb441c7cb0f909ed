"""Applications and their lifecycle, reviews, committee decisions, grants and their follow-up."""

import enum
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Commune, Province, Region
from calls.models import Call, CallDomain, Criterion, RequiredDocument, TargetPublic, TrancheRule
from portal.files import safe_upload_path
from portal.models import StoredFile
from portal.money import amount_field, currency_field
from portal.workflow import StatefulModel

USER = settings.AUTH_USER_MODEL


def upload_receipt(instance, filename: str) -> str:
    return safe_upload_path("receipts", filename)


def upload_application_file(instance, filename: str) -> str:
    return safe_upload_path("applications", filename)


def upload_complement_file(instance, filename: str) -> str:
    return safe_upload_path("complements", filename)


def upload_minutes(instance, filename: str) -> str:
    return safe_upload_path("minutes", filename)


def upload_expense_receipt(instance, filename: str) -> str:
    return safe_upload_path("expenses", filename)


def upload_visit_file(instance, filename: str) -> str:
    return safe_upload_path("visits", filename)


# --- Applications ---------------------------------------------------------------------------


class Application(StatefulModel):
    """A proposal of an association to a call, in one domain."""

    class Status(models.TextChoices):
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


# --- Reviews ------------------------------------------------------------------------------


class ReviewAssignment(StatefulModel):
    """A reviewer assigned to an application; one per reviewer and application."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        CONFLICT = "conflict", _("Conflict of interest declared")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

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

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

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


# --- Grants ---------------------------------------------------------------------------------


class Grant(StatefulModel):
    """A funded project: the approved application, followed until it closes."""

    class Status(models.TextChoices):
        PENDING_SIGNATURE = "pending_signature", _("Awaiting signature")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.PENDING_SIGNATURE: frozenset({Status.ACTIVE, Status.CANCELLED}),
        Status.ACTIVE: frozenset({Status.SUSPENDED, Status.CANCELLED, Status.CLOSED}),
        Status.SUSPENDED: frozenset({Status.ACTIVE, Status.CANCELLED}),
        Status.CANCELLED: frozenset(),
        Status.CLOSED: frozenset(),
    }

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="grant",
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    amount = amount_field(_("amount granted"))
    paid_amount = amount_field(_("amount paid"), default=Decimal("0"))
    reimbursement_amount = amount_field(_("amount to reimburse"), default=Decimal("0"))
    currency = currency_field()
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING_SIGNATURE
    )
    awarded_on = models.DateField(_("awarded on"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ("-awarded_on", "reference")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")),
                name="grant_paid_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(reimbursement_amount__gte=0)
                & Q(reimbursement_amount__lte=F("paid_amount")),
                name="grant_reimbursement_within_paid",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def remaining_amount(self) -> Decimal:
        return self.amount - self.paid_amount


class Tranche(StatefulModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RELEASED = "released", _("Released for payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PLANNED: frozenset({Status.RELEASED, Status.CANCELLED}),
        # cancelled: the grant was cancelled before the released tranche was paid
        Status.RELEASED: frozenset({Status.PAID, Status.PLANNED, Status.CANCELLED}),
        Status.PAID: frozenset(),
        Status.CANCELLED: frozenset(),
    }
    Condition = TrancheRule.Condition

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="tranches"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2)
    amount = amount_field(_("amount"))
    condition = models.CharField(
        _("condition"), max_length=20, choices=TrancheRule.Condition.choices
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    due_on = models.DateField(_("planned for"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ("grant", "order")
        constraints = [
            models.UniqueConstraint(fields=["grant", "order"], name="tranche_unique_order"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tranche_amount_gte_0"),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(payment_reference="")),
                name="tranche_paid_has_date_and_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant} · {self.order}"


class GrantReport(StatefulModel):
    """An interim or final report of a grantee: narrative and financial."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        FINAL = "final", _("Final report")

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        SUBMITTED = "submitted", _("Submitted")
        CORRECTIONS = "corrections", _("Corrections requested")
        ACCEPTED = "accepted", _("Accepted")

    TRANSITIONS = {
        Status.EXPECTED: frozenset({Status.SUBMITTED}),
        Status.SUBMITTED: frozenset({Status.ACCEPTED, Status.CORRECTIONS}),
        Status.CORRECTIONS: frozenset({Status.SUBMITTED}),
        Status.ACCEPTED: frozenset(),
    }

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.EXPECTED
    )
    due_on = models.DateField(_("due on"))
    activities_done = models.TextField(_("activities carried out"), blank=True)
    difficulties = models.TextField(_("difficulties met"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("ministry's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grantee report")
        verbose_name_plural = _("grantee reports")
        ordering = ("grant", "due_on")
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind"], name="grantreport_one_per_kind"),
        ]
        indexes = [
            # periodic job: GrantReport.objects.filter(status__in=…, due_on__lt=today)
            models.Index(fields=["status", "due_on"], name="grantreport_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} · {self.get_kind_display()}"


class ReportBeneficiaries(models.Model):
    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="beneficiaries")
    target_public = models.ForeignKey(
        TargetPublic, verbose_name=_("target public"), on_delete=models.PROTECT, related_name="+"
    )
    women = models.PositiveIntegerField(_("women and girls reached"), default=0)
    men = models.PositiveIntegerField(_("men and boys reached"), default=0)

    class Meta:
        verbose_name = _("beneficiaries reached")
        verbose_name_plural = _("beneficiaries reached")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target_public"], name="reportbeneficiaries_unique_public"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_public}: {self.women + self.men}"


class ReportExpense(StoredFile):
    """An expense of a financial report, with its receipt."""

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="expenses")
    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
    )
    label = models.CharField(_("expense"), max_length=255)
    amount = amount_field(_("amount"))
    spent_on = models.DateField(_("date"), null=True, blank=True)
    receipt = models.FileField(
        _("receipt"), upload_to=upload_expense_receipt, max_length=255, blank=True
    )

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="expense_amount_gte_0"),
        ]


class FieldVisit(models.Model):
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("date of the visit"))
    officer = models.ForeignKey(
        USER, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("findings"))
    rating = models.PositiveSmallIntegerField(
        _("rating (1 to 5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ("grant", "-visited_on")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="fieldvisit_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant} · {self.visited_on}"


class FieldVisitFile(StoredFile):
    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=upload_visit_file, max_length=255)

    class Meta:
        verbose_name = _("field visit file")
        verbose_name_plural = _("field visit files")


class Audit(StatefulModel):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal audit")
        EXTERNAL = "external", _("External audit")

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {Status.OPEN: frozenset({Status.CLOSED}), Status.CLOSED: frozenset()}

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="audits"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    auditor = models.CharField(_("auditor"), max_length=255)
    started_on = models.DateField(_("started on"))
    findings = models.TextField(_("findings"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ("grant", "-started_on")


class AuditRecommendation(StatefulModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {Status.OPEN: frozenset({Status.CLOSED}), Status.CLOSED: frozenset()}

    audit = models.ForeignKey(
        Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="recommendations"
    )
    text = models.TextField(_("recommendation"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closing_note = models.TextField(_("how it was addressed"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit recommendation")
        verbose_name_plural = _("audit recommendations")
        ordering = ("audit", "id")

    def __str__(self) -> str:
        return self.text[:80]
