"""What every app shares: the user, and the history of state changes of every stateful model."""

import enum
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError(_("An e-mail address is required."))
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in with an e-mail address.

    Ministry roles are Django groups (see ``portal.roles``); membership of associations is
    ``associations.Membership``.
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Where a reviewer lives or works: the "same commune" conflict-of-interest rule uses it.
    commune = models.ForeignKey(
        "associations.Commune",
        verbose_name=_("commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("email",)

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class StatusChange(models.Model):
    """One transition of one object: who moved it, when, from which state to which, and why.

    Written only by ``portal.workflow.transition``; shown as the object's history.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ("at", "id")
        indexes = [
            # history of one object: StatusChange.objects.filter(content_type=…, object_id=…)
            models.Index(
                fields=["content_type", "object_id", "at"], name="statuschange_target_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"


class StoredFile(models.Model):
    """An uploaded file with what the portal checked about it.

    Files are never served from a public URL: each app serves them through a view that checks
    who asks. ``content_type`` is the type recognised from the content, not the browser's.
    """

    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class OutboxMessage(models.Model):
    """A background job to start, written in the same transaction as the change that asks
    for it, so that it is never lost when the broker cannot be reached.

    ``portal.outbox.send_task`` writes the row and publishes it once the transaction commits;
    rows still unpublished (the broker was down) are published again by the ``relay-outbox``
    periodic job and whenever a worker starts. ``task_id`` is the Celery task id: a task run
    twice for the same row (a second delivery) is recognised by it.
    """

    task_id = models.UUIDField(_("task id"), default=uuid.uuid4, unique=True, editable=False)
    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True, encoder=DjangoJSONEncoder)
    kwargs = models.JSONField(
        _("keyword arguments"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("publication attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # The request that queued the job: its log lines carry the same id (portal.logs).
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ("created_at", "id")
        indexes = [
            # the relay: OutboxMessage.objects.filter(published_at=None, created_at__lte=…)
            models.Index(
                fields=["created_at"],
                condition=models.Q(published_at__isnull=True),
                name="outbox_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.created_at:%Y-%m-%d %H:%M:%S}"


# Below the models portal.workflow imports.
from portal.workflow import StateChoices, StatefulModel  # noqa: E402


def _import_upload_path(instance, filename: str) -> str:
    from portal.files import safe_upload_path

    return safe_upload_path("imports", filename)


class ImportJob(StatefulModel):
    """A spreadsheet imported in the admin: its file (kept privately until the import is over),
    the dry run's per-row errors, then, once confirmed, the real import; each in a Celery job
    (``portal.imports``)."""

    class Status(StateChoices):
        CHECKING = "checking", _("Checking")
        READY = "ready", _("Ready to import")
        INVALID = "invalid", _("Errors found")
        REFUSED = "refused", _("Refused")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

        colours = enum.nonmember(
            {
                "checking": "info",
                "ready": "primary",
                "invalid": "warning",
                "refused": "danger",
                "importing": "info",
                "done": "success",
                "failed": "danger",
            }
        )

    TRANSITIONS = {
        Status.CHECKING: frozenset({Status.READY, Status.INVALID, Status.REFUSED, Status.FAILED}),
        Status.READY: frozenset({Status.IMPORTING}),
        Status.IMPORTING: frozenset({Status.DONE, Status.FAILED, Status.REFUSED}),
        Status.INVALID: frozenset(),
        Status.REFUSED: frozenset(),
        Status.DONE: frozenset(),
        Status.FAILED: frozenset(),
    }
    RUNNING = frozenset({Status.CHECKING, Status.IMPORTING})

    model = models.CharField(_("data"), max_length=100)  # "app_label.model_name"
    resource = models.CharField(_("resource"), max_length=200)  # dotted path of its class
    format = models.CharField(_("format"), max_length=8)
    file = models.FileField(_("file"), upload_to=_import_upload_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    language = models.CharField(_("language"), max_length=8, default="fr")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.original_name
