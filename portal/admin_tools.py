"""Admin building blocks shared by every app: read-only history, transitions as actions."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from portal.models import StatusChange
from portal.money import format_amount
from portal.roles import is_administrator
from portal.workflow import TransitionError, transition


class StatusHistoryInline(GenericTabularInline):
    """The object's transitions, read-only, oldest first."""

    model = StatusChange
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ("at", "from_state", "to_state", "by", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("history entry")
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _transition_action(state, label):
    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for obj in queryset:
            try:
                transition(obj, state, by=request.user, reason=_("From the administration"))
                moved += 1
            except TransitionError as error:
                refused.append(f"{obj}: {error}")
        if moved:
            modeladmin.message_user(
                request, _("%(count)d moved to “%(state)s”.") % {"count": moved, "state": label}
            )
        for message in refused:
            modeladmin.message_user(request, message, level=messages.ERROR)

    action.__name__ = f"move_to_{state}"
    action.short_description = _("Move to “%(state)s”") % {"state": label}
    return action


class StatefulAdmin(admin.ModelAdmin):
    """Status is read-only: it changes through the workflow, offered here as actions."""

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "status")

    def get_inlines(self, request, obj):
        return (*super().get_inlines(request, obj), StatusHistoryInline)

    def get_actions(self, request):
        actions = super().get_actions(request)
        for value, label in self.model.Status.choices:
            action = _transition_action(value, label)
            actions[action.__name__] = (action, action.__name__, action.short_description)
        return actions


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Import and export in XLSX and CSV, with django-import-export's dry run and row errors."""

    formats = [XLSX, CSV]

    def has_import_permission(self, request):
        """Importing is for administrators; staff officers keep adding and changing rows."""
        return request.user.is_superuser or is_administrator(request.user)


def money_column(field: str, label):
    def column(obj):
        value = getattr(obj, field)
        return format_amount(value) if value is not None else "—"

    column.short_description = label
    column.admin_order_field = field
    return column
