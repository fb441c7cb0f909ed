"""Admin building blocks shared by every app: read-only history, transitions as actions."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from portal.models import StatusChange
from portal.money import format_amount
from portal.roles import is_administrator
from portal.signals import list_exported
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

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The file, and ``portal.signals.list_exported`` (the audit log records it)."""
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        opts = self.model._meta
        list_exported.send(
            sender=self.model,
            request=request,
            name=f"{opts.app_label}-{opts.model_name}",
            fmt=file_format.get_extension(),
            rows=queryset.count() if hasattr(queryset, "query") else len(queryset),
            filters={key: value for key, value in request.GET.items() if key != "p"},
        )
        return data

    # --- Imports as background jobs (portal.imports) ------------------------------------------

    def get_urls(self):
        from django.urls import path

        info = self.get_model_info()
        return [
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="{}_{}_import_job".format(*info),
            ),
            path(
                "import/<int:job_id>/progress/",
                self.admin_site.admin_view(self.import_job_progress),
                name="{}_{}_import_job_progress".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_action(self, request, **kwargs):
        """The form, then: the file checked against the limits at once (a ZIP bomb or a sheet
        of a million rows is refused with a message, without being parsed), kept privately in
        an ``ImportJob`` whose dry run runs in the background."""
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect

        from portal import imports
        from portal.models import ImportJob
        from portal.outbox import send_task
        from portal.tasks import run_import

        if request.method != "POST":
            return super().import_action(request, **kwargs)
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if form.is_valid():
            input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
            upload = form.cleaned_data["import_file"]
            fmt = imports.format_key(input_format)
            try:
                total = imports.check_import_file(upload, fmt)
            except imports.ImportRefused as refused:
                form.add_error("import_file", refused.message)
            else:
                upload.seek(0)
                resource_class = self.choose_import_resource_class(form, request)
                opts = self.model._meta
                job = ImportJob.objects.create(
                    model=f"{opts.app_label}.{opts.model_name}",
                    resource=f"{resource_class.__module__}.{resource_class.__qualname__}",
                    format=fmt,
                    file=upload,
                    original_name=(upload.name or "import")[:255],
                    language=getattr(request, "LANGUAGE_CODE", "fr"),
                    created_by=request.user,
                    total_rows=total,
                )
                send_task(run_import, job_id=job.pk)
                return redirect(self._job_url(job))
        return self._import_form_response(request, form, **kwargs)

    def _import_form_response(self, request, form, **kwargs):
        from django.template.response import TemplateResponse

        resources = [
            resource_class(**self.get_import_resource_kwargs(request=request, form=form, **kwargs))
            for resource_class in self.get_import_resource_classes(request)
        ]
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": [
                (
                    resource.get_display_name(),
                    [f.column_name for f in resource.get_user_visible_fields()],
                )
                for resource in resources
            ],
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def _job_url(self, job, suffix=""):
        from django.urls import reverse

        return reverse(
            "admin:{}_{}_import_job{}".format(*self.get_model_info(), suffix),
            args=[job.pk],
            current_app=self.admin_site.name,
        )

    def _import_job(self, request, job_id):
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import get_object_or_404

        from portal.models import ImportJob

        if not self.has_import_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        job = get_object_or_404(ImportJob, pk=job_id, model=f"{opts.app_label}.{opts.model_name}")
        if job.created_by_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied
        return job

    def import_job_view(self, request, job_id):
        """The job's progress while it runs, then the dry run's rows and errors with the
        confirmation, or what was imported; POST confirms."""
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from portal import imports
        from portal.models import ImportJob
        from portal.outbox import send_task
        from portal.tasks import run_import

        job = self._import_job(request, job_id)
        if request.method == "POST":
            if job.status != ImportJob.Status.READY or "confirm" not in request.POST:
                self.message_user(
                    request, _("This import cannot be confirmed now."), level=messages.ERROR
                )
                return redirect(self._job_url(job))
            try:
                transition(job, ImportJob.Status.IMPORTING, by=request.user)
            except TransitionError:
                return redirect(self._job_url(job))
            send_task(run_import, job_id=job.pk, confirm=True)
            return redirect(self._job_url(job))
        context = {
            **self.admin_site.each_context(request),
            **self._job_context(job, imports),
            "title": _("Import of %(name)s") % {"name": job.original_name},
            "opts": self.model._meta,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/import_job.html", context)

    def import_job_progress(self, request, job_id):
        """The progress bar, polled by the job's page; once the job is over, the page reloads."""
        from django.template.response import TemplateResponse

        from portal import imports
        from portal.models import ImportJob

        job = self._import_job(request, job_id)
        response = TemplateResponse(
            request, "admin/import_job_progress.html", self._job_context(job, imports)
        )
        if job.status not in ImportJob.RUNNING:
            response["HX-Refresh"] = "true"
        return response

    def _job_context(self, job, imports):
        from django.urls import reverse

        from portal.models import ImportJob

        done = imports.current_progress(job)
        return {
            "job": job,
            "running": job.status in ImportJob.RUNNING,
            "done_rows": done,
            "percent": int(100 * done / job.total_rows) if job.total_rows else 0,
            "progress_url": self._job_url(job, "_progress"),
            "changelist_url": reverse(
                "admin:{}_{}_changelist".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            ),
            "import_url": reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            ),
            "totals": [
                (IMPORT_TYPES.get(key, key), count)
                for key, count in (job.result.get("totals") or {}).items()
            ],
            "rows": [
                {**row, "type": IMPORT_TYPES.get(row["type"], row["type"])}
                for row in job.result.get("rows", [])
            ],
        }


IMPORT_TYPES = {
    "new": _("New"),
    "update": _("Update"),
    "delete": _("Delete"),
    "skip": _("Skipped"),
    "error": _("Error"),
    "invalid": _("Invalid"),
}


def money_column(field: str, label):
    def column(obj):
        value = getattr(obj, field)
        return format_amount(value) if value is not None else "—"

    column.short_description = label
    column.admin_order_field = field
    return column
