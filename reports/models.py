"""Report jobs: who asked for which bilan, its progress, and the file it produced."""

import enum
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Programme
from portal.files import safe_upload_path
from portal.workflow import StateChoices, StatefulModel


def _report_upload(instance, filename: str) -> str:
    return safe_upload_path("reports", filename)


class ReportJob(StatefulModel):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    class Status(StateChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("In progress")
        # its worker died; queued again, it starts over
        INTERRUPTED = "interrupted", _("Interrupted, restarting")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        # its file was deleted after REPORT_FILE_TTL_DAYS; the same request builds it again
        EXPIRED = "expired", _("File expired")

        colours = enum.nonmember(
            {
                "pending": "secondary",
                "running": "info",
                "interrupted": "warning",
                "done": "success",
                "failed": "danger",
                "expired": "dark",
            }
        )

    TRANSITIONS = {
        Status.PENDING: frozenset({Status.RUNNING, Status.FAILED}),
        Status.RUNNING: frozenset({Status.DONE, Status.FAILED, Status.RUNNING, Status.INTERRUPTED}),
        Status.INTERRUPTED: frozenset({Status.RUNNING, Status.FAILED}),
        Status.FAILED: frozenset({Status.PENDING}),
        Status.DONE: frozenset({Status.EXPIRED}),
        Status.EXPIRED: frozenset(),
    }
    # States in which the job is still on its way to a file.
    ACTIVE = frozenset({Status.PENDING, Status.RUNNING, Status.INTERRUPTED})

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    year_from = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    fingerprint = models.CharField(_("data fingerprint"), max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to=_report_upload, blank=True, max_length=255)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # written every few seconds by the worker building the file: a running job whose
    # heartbeat stopped lost its worker
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="reportjob_progress_0_100"
            ),
            models.CheckConstraint(
                condition=Q(year_to__isnull=True)
                | Q(year_from__isnull=True)
                | Q(year_to__gte=models.F("year_from")),
                name="reportjob_year_range",
            ),
        ]
        indexes = [
            # reuse: ReportJob.objects.filter(fingerprint=…, status="done")
            models.Index(fields=["fingerprint", "status"], name="reportjob_fingerprint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def heartbeat_stale(self) -> bool:
        """Running, but no sign of life from its worker for ``REPORT_JOB_STALE_SECONDS``."""
        if self.status != self.Status.RUNNING:
            return False
        limit = timedelta(seconds=settings.REPORT_JOB_STALE_SECONDS)
        return self.heartbeat_at is None or timezone.now() - self.heartbeat_at > limit

    @property
    def shown_status(self) -> str:
        """The state the pages show: a job whose worker died is shown as interrupted even
        before the periodic check has queued it again."""
        return self.Status.INTERRUPTED if self.heartbeat_stale else self.status

    def get_shown_status_display(self) -> str:
        return str(self.Status(self.shown_status).label)
