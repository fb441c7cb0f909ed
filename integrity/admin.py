from django.contrib import admin

from integrity.models import Signal


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    """Read only: signals are computed by the jobs, and kept or dismissed (with a reason) on
    the application's instruction page."""

    list_display = ("application", "kind", "status", "similarity", "updated_at")
    list_filter = ("kind", "status", "application__call")
    search_fields = ("application__reference", "application__association__name_fr", "key")
    list_select_related = ("application",)
    raw_id_fields = ("application", "related_application", "related_association", "related_grant")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
