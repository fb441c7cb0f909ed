"""Funded projects: grants, tranches, grantee reports, field visits and audits."""

import enum
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from calls.models import TargetPublic, TrancheRule
from portal.files import safe_upload_path
from portal.models import StoredFile
from portal.money import amount_field, currency_field
from portal.workflow import StateChoices, StatefulModel

from .apply import Application, BudgetLine

USER = settings.AUTH_USER_MODEL


def upload_expense_receipt(instance, filename: str) -> str:
    return safe_upload_path("expenses", filename)


def upload_visit_file(instance, filename: str) -> str:
    return safe_upload_path("visits", filename)


# --- Grants ---------------------------------------------------------------------------------


class Grant(StatefulModel):
    """A funded project: the approved application, followed until it closes."""

    class Status(StateChoices):
        PENDING_SIGNATURE = "pending_signature", _("Awaiting signature")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")

        colours = enum.nonmember(
            {
                "pending_signature": "info",
                "active": "success",
                "suspended": "warning",
                "cancelled": "danger",
                "closed": "dark",
            }
        )

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
    class Status(StateChoices):
        PLANNED = "planned", _("Planned")
        RELEASED = "released", _("Released for payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

        colours = enum.nonmember(
            {
                "planned": "secondary",
                "released": "info",
                "paid": "success",
                "cancelled": "dark",
            }
        )

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


class GrantReportQuerySet(models.QuerySet):
    def overdue(self, today):
        """The reports overdue on ``today``: the one rule, used by every page, count and
        reminder. A report is overdue once its due date has passed while it is still awaited
        (expected, or sent back for corrections) for a grant that runs (active or suspended)."""
        return self.filter(overdue_condition(today))

    def with_overdue(self, today):
        """Each report with ``is_overdue`` on ``today``, by the same rule."""
        return self.annotate(
            is_overdue=ExpressionWrapper(overdue_condition(today), output_field=BooleanField())
        )


def overdue_condition(today) -> Q:
    return Q(
        due_on__lt=today,
        status__in=[GrantReport.Status.EXPECTED, GrantReport.Status.CORRECTIONS],
        grant__status__in=[Grant.Status.ACTIVE, Grant.Status.SUSPENDED],
    )


class GrantReport(StatefulModel):
    """An interim or final report of a grantee: narrative and financial."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        FINAL = "final", _("Final report")

    class Status(StateChoices):
        EXPECTED = "expected", _("Expected")
        SUBMITTED = "submitted", _("Submitted")
        CORRECTIONS = "corrections", _("Corrections requested")
        ACCEPTED = "accepted", _("Accepted")

        colours = enum.nonmember(
            {
                "expected": "secondary",
                "submitted": "info",
                "corrections": "warning",
                "accepted": "success",
            }
        )

    TRANSITIONS = {
        Status.EXPECTED: frozenset({Status.SUBMITTED}),
        Status.SUBMITTED: frozenset({Status.ACCEPTED, Status.CORRECTIONS}),
        Status.CORRECTIONS: frozenset({Status.SUBMITTED}),
        Status.ACCEPTED: frozenset(),
    }

    objects = GrantReportQuerySet.as_manager()

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

    class Status(StateChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Closed")

        colours = enum.nonmember(
            {
                "open": "info",
                "closed": "success",
            }
        )

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
    class Status(StateChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

        colours = enum.nonmember(
            {
                "open": "warning",
                "closed": "success",
            }
        )

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
