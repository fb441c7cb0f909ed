from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: no one adds, changes or deletes an entry, superusers included (the portal's
    page, ``/audit/``, is where administrators read and export the log)."""

    list_display = (
        "created_at",
        "kind",
        "actor_email",
        "content_type",
        "object_repr",
        "ip_address",
    )
    list_filter = ("kind",)
    search_fields = ("actor_email", "object_repr", "object_id", "request_id")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
