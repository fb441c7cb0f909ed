"""Associations, their members and documents, and the territories they live in."""

import enum

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from associations.validators import validate_rib
from portal.files import safe_upload_path
from portal.i18n import CodeManager, TranslatedName, pick
from portal.models import StoredFile
from portal.workflow import StateChoices, StatefulModel


class Region(TranslatedName):
    code = models.CharField(_("code"), max_length=10, unique=True)

    objects = CodeManager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ("code",)

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Province(TranslatedName):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")

    code = models.CharField(_("code"), max_length=20, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="provinces"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PROVINCE)

    objects = CodeManager()

    class Meta:
        verbose_name = _("province or prefecture")
        verbose_name_plural = _("provinces and prefectures")
        ordering = ("region", "name_fr")

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Commune(TranslatedName):
    class Kind(models.TextChoices):
        URBAN = "urban", _("Urban commune")
        RURAL = "rural", _("Rural commune")

    code = models.CharField(_("code"), max_length=40, unique=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="communes"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.URBAN)

    objects = CodeManager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ("province", "name_fr")

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class ActivityArea(TranslatedName):
    """A field an association declares it works in (women, childhood, disability…)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)

    objects = CodeManager()

    class Meta:
        verbose_name = _("area of activity")
        verbose_name_plural = _("areas of activity")
        ordering = ("name_fr",)

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Association(StatefulModel):
    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        FEDERATION = "federation", _("Federation or union of associations")
        NETWORK = "network", _("Network of associations")
        FOUNDATION = "foundation", _("Foundation")

    class Status(StateChoices):
        DRAFT = "draft", _("Profile being completed")
        PENDING = "pending", _("Awaiting verification")
        CHANGES_REQUESTED = "changes_requested", _("Corrections requested")
        VERIFIED = "verified", _("Verified")
        SUSPENDED = "suspended", _("Suspended")

        colours = enum.nonmember(
            {
                "draft": "secondary",
                "pending": "info",
                "changes_requested": "warning",
                "verified": "success",
                "suspended": "danger",
            }
        )

    TRANSITIONS = {
        Status.DRAFT: frozenset({Status.PENDING}),
        Status.PENDING: frozenset({Status.VERIFIED, Status.CHANGES_REQUESTED}),
        Status.CHANGES_REQUESTED: frozenset({Status.PENDING}),
        Status.VERIFIED: frozenset({Status.SUSPENDED, Status.PENDING}),
        Status.SUSPENDED: frozenset({Status.VERIFIED}),
    }

    name_fr = models.CharField(_("name (French)"), max_length=255)
    name_ar = models.CharField(_("name (Arabic)"), max_length=255, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, default=LegalForm.ASSOCIATION
    )
    registration_number = models.CharField(
        _("registration receipt number"), max_length=60, blank=True
    )
    registration_date = models.DateField(_("registration receipt date"), null=True, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="associations"
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="associations"
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="associations",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    president_name = models.CharField(_("president"), max_length=160, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    rib = models.CharField(
        _("RIB (24 digits)"), max_length=24, blank=True, validators=[validate_rib]
    )
    activity_areas = models.ManyToManyField(
        ActivityArea, verbose_name=_("areas of activity"), blank=True, related_name="associations"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    verification_message = models.TextField(_("message from the ministry"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="associations"
    )
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ("name_fr",)
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="association_unique_registration",
            ),
            models.CheckConstraint(
                condition=Q(rib="") | Q(rib__regex=r"^[0-9]{24}$"), name="association_rib_24_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self)

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class Membership(models.Model):
    class Role(models.TextChoices):
        PRESIDENT = "president", _("President")
        TREASURER = "treasurer", _("Treasurer")
        SECRETARY = "secretary", _("Secretary general")
        MEMBER = "member", _("Member")

    # Roles that may manage the association's profile and members.
    managing_roles = frozenset({Role.PRESIDENT})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "association"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.association} ({self.get_role_display()})"


class Invitation(models.Model):
    """A president's invitation of a member by e-mail; accepted once, by the invited address."""

    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("role"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.email


def association_document_path(instance: "AssociationDocument", filename: str) -> str:
    return safe_upload_path(f"associations/{instance.association_id}", filename)


class AssociationDocument(StoredFile):
    class Kind(models.TextChoices):
        STATUTES = "statutes", _("Statutes")
        RECEIPT = "receipt", _("Registration receipt")
        GA_MINUTES = "ga_minutes", _("Minutes of the last general assembly")
        BOARD_LIST = "board_list", _("List of board members")
        BANK_CERTIFICATE = "bank_certificate", _("Bank certificate (RIB)")
        FINANCIAL_REPORT = "financial_report", _("Last financial report")
        OTHER = "other", _("Other")

    association = models.ForeignKey(
        Association,
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=association_document_path, max_length=255)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("association document")
        verbose_name_plural = _("association documents")
        ordering = ("association", "kind", "-uploaded_at")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"
