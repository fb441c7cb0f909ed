from django.contrib import admin
from django.db import models

from associations.models import (
    ActivityArea,
    Association,
    AssociationDocument,
    Commune,
    Invitation,
    Membership,
    Province,
    Region,
)
from associations.resources import AssociationResource
from portal.admin_tools import SpreadsheetAdmin, StatefulAdmin


class ProvinceInline(admin.TabularInline):
    model = Province
    fields = ("code", "name_fr", "name_ar", "kind")
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar")
    search_fields = ("code", "name_fr", "name_ar")
    inlines = [ProvinceInline]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar", "kind", "region")
    list_filter = ("region", "kind")
    list_select_related = ("region",)
    search_fields = ("code", "name_fr", "name_ar")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar", "kind", "province")
    list_filter = ("kind", "province__region")
    list_select_related = ("province",)
    search_fields = ("code", "name_fr", "name_ar")
    autocomplete_fields = ("province",)


@admin.register(ActivityArea)
class ActivityAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar")
    search_fields = ("code", "name_fr", "name_ar")


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0


class DocumentInline(admin.TabularInline):
    model = AssociationDocument
    fields = ("kind", "original_name", "content_type", "size", "expires_on", "uploaded_at")
    readonly_fields = ("original_name", "content_type", "size", "uploaded_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the portal, which checks their content


@admin.register(Association)
class AssociationAdmin(StatefulAdmin, SpreadsheetAdmin):
    resource_classes = [AssociationResource]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name_fr", "registration_number", "region", "province", "status", "is_demo")
    list_filter = ("status", "legal_form", "region", "is_demo")
    list_select_related = ("region", "province")
    search_fields = ("name_fr", "name_ar", "acronym", "registration_number", "email")
    autocomplete_fields = ("region", "province", "commune")
    filter_horizontal = ("activity_areas",)
    readonly_fields = ("verified_at", "verified_by", "created_at", "updated_at")
    inlines = [MembershipInline, DocumentInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "association", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "association")
    search_fields = ("user__email", "association__name_fr")
    autocomplete_fields = ("user", "association")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "association", "role", "created_at", "accepted_at")
    list_select_related = ("association",)
    search_fields = ("email", "association__name_fr")
    readonly_fields = ("token", "invited_by", "created_at", "accepted_at")
    autocomplete_fields = ("association",)


@admin.register(AssociationDocument)
class AssociationDocumentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "association", "kind", "expires_on", "uploaded_at")
    list_filter = ("kind",)
    list_select_related = ("association",)
    search_fields = ("original_name", "association__name_fr")
    readonly_fields = (
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )

    def has_add_permission(self, request):
        return False
