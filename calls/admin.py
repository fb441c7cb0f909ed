from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from calls.models import (
    FAQ,
    Call,
    CallDomain,
    Criterion,
    Domain,
    Programme,
    RequiredDocument,
    StrategyAxis,
    TargetPublic,
    TrancheRule,
)
from calls.resources import CallResource
from portal.admin_tools import SpreadsheetAdmin, StatefulAdmin, money_column


@admin.register(TargetPublic)
class TargetPublicAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar", "name_en")
    search_fields = ("code", "name_fr", "name_ar", "name_en")


@admin.register(StrategyAxis)
class StrategyAxisAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "order", "name_fr")
    list_filter = ("kind",)
    search_fields = ("code", "name_fr", "name_ar")


class DomainInline(admin.TabularInline):
    model = Domain
    fields = ("code", "name_fr", "name_ar", "name_en", "order")
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "kind", "axis")
    list_filter = ("kind", "axis")
    search_fields = ("code", "name_fr", "name_ar")
    inlines = [DomainInline]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "programme", "order")
    list_filter = ("programme",)
    list_select_related = ("programme",)
    search_fields = ("code", "name_fr", "name_ar", "name_en")
    filter_horizontal = ("target_publics",)


class CallDomainInline(admin.TabularInline):
    model = CallDomain
    fields = ("domain", "envelope", "max_grant", "committed", "order")
    readonly_fields = ("committed",)
    autocomplete_fields = ("domain",)
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ("order", "name_fr", "name_ar", "weight", "max_score", "pass_mark")
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    fields = ("order", "code", "name_fr", "name_ar", "mandatory")
    extra = 0


class TrancheRuleInline(admin.TabularInline):
    model = TrancheRule
    fields = ("order", "percentage", "condition")
    extra = 0


class FAQInline(admin.StackedInline):
    model = FAQ
    extra = 0


@admin.register(Call)
class CallAdmin(StatefulAdmin, SpreadsheetAdmin):
    resource_classes = [CallResource]
    list_display = ("__str__", "title_fr", "status", "opens_at", "closes_at", "is_demo")
    list_filter = ("status", "programme", "year", "is_demo")
    list_select_related = ("programme",)
    search_fields = ("edition", "title_fr", "title_ar", "programme__code")
    date_hierarchy = "closes_at"
    inlines = [
        CallDomainInline,
        CriterionInline,
        RequiredDocumentInline,
        TrancheRuleInline,
        FAQInline,
    ]


@admin.register(CallDomain)
class CallDomainAdmin(admin.ModelAdmin):
    list_display = (
        "call",
        "domain",
        money_column("envelope", _("envelope")),
        money_column("committed", _("committed")),
        money_column("max_grant", _("cap per project")),
    )
    list_filter = ("call__programme", "call__year")
    list_select_related = ("call__programme", "domain")
    search_fields = ("domain__name_fr", "domain__code", "call__edition")
    readonly_fields = ("committed",)
    autocomplete_fields = ("call", "domain")
