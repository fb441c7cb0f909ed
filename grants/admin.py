from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationSubmission,
    Audit,
    AuditRecommendation,
    Beneficiaries,
    BudgetLine,
    CoFunder,
    CommitteeMinutes,
    ComplementRequest,
    Consensus,
    Decision,
    FieldVisit,
    Grant,
    GrantReport,
    ReviewAssignment,
    Score,
    Tranche,
)
from grants.resources import ApplicationResource, GrantResource
from portal.admin_tools import SpreadsheetAdmin, StatefulAdmin, money_column


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    fields = ("order", "category", "label", "total", "association_share", "cofunding_share")
    extra = 0


class CoFunderInline(admin.TabularInline):
    model = CoFunder
    extra = 0


class BeneficiariesInline(admin.TabularInline):
    model = Beneficiaries
    extra = 0


class ApplicationDocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = ("required_document", "original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields


class SubmissionInline(ReadOnlyInline):
    model = ApplicationSubmission
    fields = ("number", "submitted_at", "submitted_by", "receipt")
    readonly_fields = fields


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    fields = ("reviewer", "status", "no_conflict_declared_at", "submitted_at")
    readonly_fields = ("status", "no_conflict_declared_at", "submitted_at")
    autocomplete_fields = ("reviewer",)
    extra = 0


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("outcome", "requested_amount", "amount", "reason", "decided_by", "decided_at")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(StatefulAdmin, SpreadsheetAdmin):
    resource_classes = [ApplicationResource]
    list_display = (
        "reference",
        "title",
        "association",
        "call",
        "call_domain",
        "status",
        money_column("requested_amount", _("requested")),
        "score",
    )
    list_filter = ("status", "call__programme", "call", "region", "needs_consensus")
    list_select_related = ("association", "call__programme", "call_domain__domain")
    search_fields = ("reference", "title", "association__name_fr", "association__name_ar")
    autocomplete_fields = ("association", "call", "call_domain", "region", "province", "commune")
    readonly_fields = (
        "reference",
        "version",
        "submitted_at",
        "score",
        "passes_grid",
        "needs_consensus",
        "created_by",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"
    inlines = [
        BudgetLineInline,
        CoFunderInline,
        BeneficiariesInline,
        ApplicationDocumentInline,
        SubmissionInline,
        AssignmentInline,
        DecisionInline,
    ]


@admin.register(ComplementRequest)
class ComplementRequestAdmin(admin.ModelAdmin):
    list_display = ("application", "due_at", "requested_by", "answered_at")
    list_select_related = ("application", "requested_by")
    search_fields = ("application__reference", "message")
    autocomplete_fields = ("application",)
    readonly_fields = ("answer", "answered_at", "answered_by", "requested_by")


class ScoreInline(admin.TabularInline):
    model = Score
    fields = ("criterion", "value", "comment")
    extra = 0


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(StatefulAdmin):
    list_display = ("application", "reviewer", "status", "assigned_at", "submitted_at")
    list_filter = ("status", "application__call")
    list_select_related = ("application", "reviewer")
    search_fields = ("application__reference", "reviewer__email")
    autocomplete_fields = ("application", "reviewer")
    inlines = [ScoreInline]


@admin.register(Consensus)
class ConsensusAdmin(admin.ModelAdmin):
    list_display = ("application", "score", "moderator", "created_at")
    list_select_related = ("application", "moderator")
    search_fields = ("application__reference",)
    autocomplete_fields = ("application", "moderator")


@admin.register(CommitteeMinutes)
class CommitteeMinutesAdmin(StatefulAdmin):
    list_display = ("__str__", "call", "status", "meeting_date", "closed_at")
    list_filter = ("status",)
    list_select_related = ("call__programme",)
    readonly_fields = ("closed_at", "closed_by", "pdf")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = (
        "application",
        "outcome",
        money_column("requested_amount", _("requested")),
        money_column("amount", _("approved")),
        "decided_by",
        "decided_at",
    )
    list_filter = ("outcome", "application__call")
    list_select_related = ("application", "decided_by")
    search_fields = ("application__reference", "application__title")
    date_hierarchy = "decided_at"

    def has_change_permission(self, request, obj=None):
        return False  # decisions are taken by the committee's pages, within the envelopes

    def has_add_permission(self, request):
        return False


class TrancheInline(ReadOnlyInline):
    model = Tranche
    fields = (
        "order",
        "percentage",
        "amount",
        "condition",
        "status",
        "paid_on",
        "payment_reference",
    )
    readonly_fields = fields


class ReportInline(ReadOnlyInline):
    model = GrantReport
    fields = ("kind", "status", "due_on", "submitted_at")
    readonly_fields = fields


@admin.register(Grant)
class GrantAdmin(StatefulAdmin, SpreadsheetAdmin):
    resource_classes = [GrantResource]
    list_display = (
        "reference",
        "application",
        money_column("amount", _("amount")),
        money_column("paid_amount", _("paid")),
        "status",
        "awarded_on",
    )
    list_filter = ("status", "application__call__programme", "application__call")
    list_select_related = ("application",)
    search_fields = ("reference", "application__reference", "application__association__name_fr")
    readonly_fields = ("application", "amount", "paid_amount", "reimbursement_amount")
    date_hierarchy = "awarded_on"
    inlines = [TrancheInline, ReportInline]


@admin.register(Tranche)
class TrancheAdmin(StatefulAdmin):
    list_display = (
        "grant",
        "order",
        money_column("amount", _("amount")),
        "condition",
        "status",
        "paid_on",
    )
    list_filter = ("status", "condition")
    list_select_related = ("grant",)
    search_fields = ("grant__reference", "payment_reference")
    readonly_fields = ("grant", "amount", "paid_on", "payment_reference")


@admin.register(GrantReport)
class GrantReportAdmin(StatefulAdmin):
    list_display = ("grant", "kind", "status", "due_on", "submitted_at")
    list_filter = ("status", "kind")
    list_select_related = ("grant",)
    search_fields = ("grant__reference",)
    readonly_fields = ("grant", "submitted_at", "submitted_by", "reviewed_by", "reviewed_at")


@admin.register(FieldVisit)
class FieldVisitAdmin(admin.ModelAdmin):
    list_display = ("grant", "visited_on", "officer", "rating")
    list_select_related = ("grant", "officer")
    search_fields = ("grant__reference", "findings")
    autocomplete_fields = ("grant", "officer")
    date_hierarchy = "visited_on"


class RecommendationInline(admin.TabularInline):
    model = AuditRecommendation
    fields = ("text", "due_on", "status", "closing_note")
    readonly_fields = ("status",)
    extra = 0


@admin.register(Audit)
class AuditAdmin(StatefulAdmin):
    list_display = ("grant", "kind", "auditor", "started_on", "status")
    list_filter = ("kind", "status")
    list_select_related = ("grant",)
    search_fields = ("grant__reference", "auditor")
    autocomplete_fields = ("grant",)
    inlines = [RecommendationInline]
