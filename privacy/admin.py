from django.contrib import admin

from privacy.models import Consent, ErasureRequest, RetentionRecord


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "notice_version", "given_at")
    list_filter = ("notice_version",)
    readonly_fields = ("user", "notice_version", "given_at", "ip")


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ("email", "requested_at", "status", "processed_at")
    list_filter = ("status",)
    readonly_fields = (
        "user",
        "email",
        "requested_at",
        "status",
        "processed_at",
        "processed_by",
        "erased",
        "kept",
    )


@admin.register(RetentionRecord)
class RetentionRecordAdmin(admin.ModelAdmin):
    list_display = ("label", "action", "rule", "at")
    list_filter = ("action", "rule")
    readonly_fields = (
        "content_type",
        "object_id",
        "label",
        "action",
        "rule",
        "detail",
        "erasure",
        "at",
    )
