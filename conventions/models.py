"""Partners and every partnership the ministry signs: grant, institutional, international."""

import enum

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Commune, Region
from calls.models import Programme, TargetPublic
from grants.models import Grant
from portal.files import safe_upload_path
from portal.i18n import CodeManager, TranslatedName, pick
from portal.models import StoredFile
from portal.money import amount_field, currency_field
from portal.workflow import StateChoices, StatefulModel

USER = settings.AUTH_USER_MODEL


class PartnerType(TranslatedName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CodeManager()

    class Meta:
        verbose_name = _("partner type")
        verbose_name_plural = _("partner types")
        ordering = ("order",)

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Partner(TranslatedName):
    """A party to conventions: a department, a commune, a foreign government, a UN agency…"""

    partner_type = models.ForeignKey(
        PartnerType,
        verbose_name=_("partner type"),
        on_delete=models.PROTECT,
        related_name="partners",
    )
    country = models.CharField(
        _("country (ISO code)"), max_length=2, blank=True, help_text=_("e.g. BE, KW, MA")
    )
    association = models.OneToOneField(
        Association,
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demonstration data"), default=False)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ("name_fr",)


def _convention_upload(instance, filename: str) -> str:
    return safe_upload_path("conventions", filename)


class Convention(StatefulModel):
    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant convention with an association")
        INSTITUTIONAL = "institutional", _("Institutional convention")
        BILATERAL = "bilateral", _("Bilateral cooperation agreement")
        MULTILATERAL = "multilateral", _("Multilateral cooperation agreement")
        PROGRAMME = "programme", _("Multi-year cooperation programme")

        international = enum.nonmember(frozenset({"bilateral", "multilateral"}))

    class TextKind(models.TextChoices):
        CONVENTION = "convention", _("Convention")
        MEMORANDUM = "memorandum", _("Memorandum of understanding")
        PROTOCOL = "protocol", _("Protocol")
        AGREEMENT = "agreement", _("Agreement")
        PROGRAMME = "programme", _("Programme")

    class Status(StateChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        ENDED = "ended", _("Ended")
        TERMINATED = "terminated", _("Terminated")

        colours = enum.nonmember(
            {
                "draft": "secondary",
                "signed": "info",
                "in_force": "success",
                "ended": "dark",
                "terminated": "danger",
            }
        )

    TRANSITIONS = {
        Status.DRAFT: frozenset({Status.SIGNED, Status.TERMINATED}),
        Status.SIGNED: frozenset({Status.IN_FORCE, Status.ENDED, Status.TERMINATED}),
        Status.IN_FORCE: frozenset({Status.ENDED, Status.TERMINATED}),
        Status.ENDED: frozenset(),
        Status.TERMINATED: frozenset(),
    }

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text_kind = models.CharField(
        _("kind of text"), max_length=12, choices=TextKind.choices, default=TextKind.CONVENTION
    )
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=500)
    title_ar = models.CharField(_("title (Arabic)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    partner_type = models.ForeignKey(
        PartnerType,
        verbose_name=_("main partner type"),
        on_delete=models.PROTECT,
        related_name="conventions",
        help_text=_("The type of the main counterpart, used by the statistics."),
    )
    grant = models.OneToOneField(
        Grant,
        verbose_name=_("grant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="convention",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conventions",
    )
    framework = models.TextField(_("framework (cadre contractuel)"), blank=True)
    objective = models.TextField(_("objective"), blank=True)
    place = models.CharField(_("place of signature"), max_length=120, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Year of signature, when only it is known.")
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    amount = amount_field(_("amount"), null=True, blank=True)
    currency = currency_field()
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    steering_committee = models.TextField(_("steering committee composition"), blank=True)
    target_publics = models.ManyToManyField(
        TargetPublic, verbose_name=_("target publics"), blank=True, related_name="+"
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions"), blank=True, related_name="+"
    )
    beneficiaries_total = models.PositiveIntegerField(_("beneficiaries"), null=True, blank=True)
    beneficiaries_men = models.PositiveIntegerField(_("of whom men"), null=True, blank=True)
    beneficiaries_women = models.PositiveIntegerField(_("of whom women"), null=True, blank=True)
    generated_pdf = models.FileField(
        _("generated convention"), upload_to=_convention_upload, blank=True, max_length=255
    )
    signed_scan = models.FileField(
        _("signed scan"), upload_to=_convention_upload, blank=True, max_length=255
    )
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ("-signed_on", "-year", "reference")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="convention_amount_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="convention_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind="grant") | Q(grant__isnull=False),
                name="convention_grant_kind_has_grant",
            ),
        ]
        indexes = [
            # register and statistics: Convention.objects.filter(kind=…, partner_type=…)
            models.Index(fields=["kind", "partner_type"], name="convention_kind_type_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def title(self) -> str:
        return pick(self, "title")


class ConventionParty(models.Model):
    class Role(models.TextChoices):
        SIGNATORY = "signatory", _("Signatory")
        IMPLEMENTING = "implementing", _("Implementing agency")
        FUNDER = "funder", _("Funder")
        MEMBER = "member", _("Steering committee member")

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="parties")
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="parties"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    amount = amount_field(_("amount"), null=True, blank=True)
    currency = currency_field()
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "partner", "role"], name="party_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_role_display()})"


class Amendment(models.Model):
    """An amendment (avenant) or an extension of a convention."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("number"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    subject = models.TextField(_("subject"))
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    amount_change = models.DecimalField(
        _("change of amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    file = models.FileField(_("file"), upload_to=_convention_upload, blank=True, max_length=255)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ("convention", "number")
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="amendment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.convention} · {self.number}"


class CommitteeMeeting(models.Model):
    """A meeting of a convention's steering or follow-up committee."""

    class Kind(models.TextChoices):
        STEERING = "steering", _("Steering committee (COPIL)")
        FOLLOW_UP = "follow_up", _("Follow-up committee")
        EVALUATION = "evaluation", _("Evaluation")

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    minutes = models.FileField(
        _("minutes"), upload_to=_convention_upload, blank=True, max_length=255
    )

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ("convention", "held_on")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.held_on}"


class PartnerCommune(models.Model):
    """A commune taking part in a multi-year programme, with its inhabitants (``004``)."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="partner_communes"
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name as published"), max_length=160)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    inhabitants = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner commune")
        verbose_name_plural = _("partner communes")
        ordering = ("convention", "name")

    def __str__(self) -> str:
        return self.name


class ConventionAttachment(StoredFile):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to=_convention_upload, max_length=255)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("convention", "-uploaded_at")
