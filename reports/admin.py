from django.contrib import admin

from portal.admin_tools import StatusHistoryInline
from reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    """Report jobs are made by the bilans page and the Celery worker: read-only here."""

    list_display = (
        "__str__",
        "requested_by",
        "programme",
        "call",
        "language",
        "format",
        "status",
        "progress",
        "created_at",
    )
    list_filter = ("status", "format", "language")
    list_select_related = ("requested_by", "programme", "call__programme")
    search_fields = ("requested_by__email", "fingerprint")
    inlines = [StatusHistoryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
