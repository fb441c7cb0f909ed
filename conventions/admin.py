from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conventions.models import (
    Amendment,
    CommitteeMeeting,
    Convention,
    ConventionAttachment,
    ConventionParty,
    Partner,
    PartnerCommune,
    PartnerType,
)
from conventions.resources import ConventionResource
from portal.admin_tools import SpreadsheetAdmin, StatefulAdmin, money_column


@admin.register(PartnerType)
class PartnerTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar", "order")
    search_fields = ("code", "name_fr")


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "partner_type", "country", "is_demo")
    list_filter = ("partner_type", "is_demo")
    list_select_related = ("partner_type",)
    search_fields = ("name_fr", "name_ar", "name_en", "country")
    autocomplete_fields = ("association",)


class PartyInline(admin.TabularInline):
    model = ConventionParty
    fields = ("partner", "role", "amount", "currency", "note")
    autocomplete_fields = ("partner",)
    extra = 0


class AmendmentInline(admin.TabularInline):
    model = Amendment
    fields = ("number", "signed_on", "subject", "new_end_date", "amount_change")
    extra = 0


class MeetingInline(admin.TabularInline):
    model = CommitteeMeeting
    fields = ("kind", "held_on", "place", "summary")
    extra = 0


class PartnerCommuneInline(admin.TabularInline):
    model = PartnerCommune
    fields = ("name", "commune", "region", "inhabitants", "men", "women")
    autocomplete_fields = ("commune", "region")
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = ConventionAttachment
    fields = ("title", "original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the portal, which checks their content


@admin.register(Convention)
class ConventionAdmin(StatefulAdmin, SpreadsheetAdmin):
    resource_classes = [ConventionResource]
    list_display = (
        "reference",
        "title_fr",
        "kind",
        "partner_type",
        "signed_on",
        "year",
        money_column("amount", _("amount")),
        "currency",
        "status",
        "is_demo",
    )
    list_filter = ("kind", "partner_type", "status", "year", "currency", "is_demo")
    list_select_related = ("partner_type",)
    search_fields = ("reference", "title_fr", "title_ar", "place", "objective")
    autocomplete_fields = ("grant", "programme")
    filter_horizontal = ("target_publics", "regions")
    readonly_fields = ("generated_pdf", "signed_scan", "created_at", "updated_at")
    date_hierarchy = "signed_on"
    inlines = [PartyInline, AmendmentInline, MeetingInline, PartnerCommuneInline, AttachmentInline]
