"""Programmes, their domains, the calls for projects (editions) and what each call sets."""

import enum
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.i18n import CodeManager, TranslatedName, pick
from portal.money import amount_field, currency_field
from portal.workflow import StateChoices, StatefulModel


class TargetPublic(TranslatedName):
    """A public the ministry serves: women, children in street situations, migrants…"""

    code = models.SlugField(_("code"), max_length=50, unique=True)

    objects = CodeManager()

    class Meta:
        verbose_name = _("target public")
        verbose_name_plural = _("target publics")
        ordering = ("name_fr",)

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class StrategyAxis(TranslatedName):
    """An axis or a support measure of the ministry's "4 + 4" strategy."""

    class Kind(models.TextChoices):
        AXIS = "axis", _("Strategic axis")
        MEASURE = "measure", _("Support measure")

    code = models.SlugField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CodeManager()

    class Meta:
        verbose_name = _("strategy axis")
        verbose_name_plural = _("strategy axes")
        ordering = ("kind", "order")

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Programme(TranslatedName):
    """A standing line of funding; each of its calls is an edition."""

    class Kind(models.TextChoices):
        YEARLY_CALL = "yearly_call", _("Yearly call for projects")
        THEMATIC = "thematic", _("Thematic partnership")
        MIGRANTS = "migrants", _("Integration of migrants and refugees")
        INTERCOMMUNAL = "intercommunal", _("Inter-municipal cooperation")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    axis = models.ForeignKey(
        StrategyAxis,
        verbose_name=_("strategy axis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programmes",
    )
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    objects = CodeManager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ("name_fr",)

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def description(self) -> str:
        return pick(self, "description")


class DomainManager(models.Manager):
    def get_by_natural_key(self, programme_code: str, code: str):
        return self.get(programme__code=programme_code, code=code)


class Domain(TranslatedName):
    """A domain of support (domaine d'appui / d'intervention) of a programme."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="domains"
    )
    code = models.CharField(_("code"), max_length=12)
    target_publics = models.ManyToManyField(
        TargetPublic, verbose_name=_("target publics"), blank=True, related_name="domains"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DomainManager()

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ("programme", "order", "name_fr")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="domain_unique_code"),
        ]

    def natural_key(self) -> tuple[str, str]:
        return (self.programme.code, self.code)

    natural_key.dependencies = ["calls.programme"]


class CallQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status=Call.Status.DRAFT)

    def accepting(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Call.Status.OPEN, opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.filter(
            Q(status=Call.Status.PUBLISHED) | Q(status=Call.Status.OPEN, opens_at__gt=now)
        )

    def closed(self, now=None):
        now = now or timezone.now()
        return self.public().exclude(pk__in=self.accepting(now)).exclude(pk__in=self.upcoming(now))


class Call(StatefulModel):
    """One edition of a programme (``2017``, ``2019-2020``…): an appel à projets."""

    class Status(StateChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        IN_REVIEW = "in_review", _("In review")
        DECIDED = "decided", _("Decided")
        ARCHIVED = "archived", _("Archived")

        colours = enum.nonmember(
            {
                "draft": "secondary",
                "published": "info",
                "open": "success",
                "closed": "secondary",
                "in_review": "primary",
                "decided": "dark",
                "archived": "dark",
            }
        )

    TRANSITIONS = {
        Status.DRAFT: frozenset({Status.PUBLISHED}),
        Status.PUBLISHED: frozenset({Status.OPEN, Status.DRAFT}),
        Status.OPEN: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset({Status.IN_REVIEW, Status.OPEN}),
        Status.IN_REVIEW: frozenset({Status.DECIDED}),
        Status.DECIDED: frozenset({Status.ARCHIVED, Status.IN_REVIEW}),
        Status.ARCHIVED: frozenset(),
    }

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="calls"
    )
    edition = models.CharField(
        _("edition"), max_length=20, help_text=_("As published: 2017, 2019-2020…")
    )
    year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    code = models.CharField(
        _("reference code"),
        max_length=10,
        default="AAP",
        help_text=_("First part of application reference numbers, e.g. AAP."),
    )
    title_fr = models.CharField(_("title (French)"), max_length=255)
    title_ar = models.CharField(_("title (Arabic)"), max_length=255, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    eligibility_fr = models.TextField(_("eligibility rules (French)"), blank=True)
    eligibility_ar = models.TextField(_("eligibility rules (Arabic)"), blank=True)
    eligibility_en = models.TextField(_("eligibility rules (English)"), blank=True)
    specifications = models.FileField(
        _("cahier des charges"), upload_to="calls/specifications/", blank=True
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    pass_threshold = models.DecimalField(
        _("pass threshold (out of 100)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=2
    )
    disagreement_gap = models.DecimalField(
        _("disagreement gap (points out of 100)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        help_text=_("Reviews further apart than this are sent to a consensus step."),
    )
    max_applications_per_domain = models.PositiveSmallIntegerField(
        _("applications per association and domain"), default=1
    )
    currency = currency_field()
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")
        ordering = ("-year", "programme")
        constraints = [
            models.UniqueConstraint(fields=["programme", "edition"], name="call_unique_edition"),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="call_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("year")),
                name="call_end_year_after_start",
            ),
            models.CheckConstraint(
                condition=Q(pass_threshold__gte=0) & Q(pass_threshold__lte=100),
                name="call_threshold_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.edition}"

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def description(self) -> str:
        return pick(self, "description")

    @property
    def eligibility(self) -> str:
        return pick(self, "eligibility")

    def is_accepting(self, now=None) -> bool:
        """Whether applications may be submitted now (the server's clock decides)."""
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and self.opens_at is not None
            and self.closes_at is not None
            and self.opens_at <= now < self.closes_at
        )


class CallDomain(models.Model):
    """A domain offered by a call, with its envelope and the cap per project."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="call_domains"
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="call_domains"
    )
    envelope = amount_field(_("envelope"))
    max_grant = amount_field(_("maximum grant per project"))
    committed = amount_field(
        _("amount committed"),
        default=Decimal("0"),
        help_text=_("Sum of the approved amounts; written only by the committee's decisions."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The sequence of the application references of this domain (AAP-2026-VIO-00042): the
    # last number given, incremented under this row's lock when an application is first sent.
    last_reference_number = models.PositiveIntegerField(
        _("last reference number"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("domain of a call")
        verbose_name_plural = _("domains of a call")
        ordering = ("call", "order", "domain__name_fr")
        constraints = [
            models.UniqueConstraint(fields=["call", "domain"], name="calldomain_unique"),
            models.CheckConstraint(condition=Q(envelope__gte=0), name="calldomain_envelope_gte_0"),
            models.CheckConstraint(
                condition=Q(max_grant__gte=0), name="calldomain_max_grant_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(committed__lte=F("envelope")),
                name="calldomain_committed_within_envelope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} · {self.domain}"

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.committed


class Criterion(TranslatedName):
    """A line of the call's evaluation grid."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=6, decimal_places=2, default=Decimal("10")
    )
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ("call", "order")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_gt_0"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_gt_0"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=F("max_score")),
                name="criterion_pass_mark_within_max",
            ),
        ]

    @property
    def description(self) -> str:
        return pick(self, "description")


class RequiredDocument(TranslatedName):
    """A document every application to the call must carry."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="required_documents"
    )
    code = models.SlugField(_("code"), max_length=40)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ("call", "order")
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="requireddocument_unique_code"),
        ]


class TrancheRule(models.Model):
    """The call's default payment schedule, copied to each grant (60 % at signature…)."""

    class Condition(models.TextChoices):
        SIGNATURE = "signature", _("At signature of the convention")
        INTERIM_REPORT = "interim_report", _("After the interim report is accepted")
        FINAL_REPORT = "final_report", _("After the final report is accepted")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="tranche_rules"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)

    class Meta:
        verbose_name = _("tranche rule")
        verbose_name_plural = _("tranche rules")
        ordering = ("call", "order")
        constraints = [
            models.UniqueConstraint(fields=["call", "order"], name="tranchrule_unique_order"),
            models.CheckConstraint(
                condition=Q(percentage__gt=0) & Q(percentage__lte=100),
                name="tranchrule_percentage_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percentage} % · {self.get_condition_display()}"


class FAQ(models.Model):
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="faqs"
    )
    question_fr = models.CharField(_("question (French)"), max_length=500)
    question_ar = models.CharField(_("question (Arabic)"), max_length=500, blank=True)
    question_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    answer_fr = models.TextField(_("answer (French)"))
    answer_ar = models.TextField(_("answer (Arabic)"), blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        ordering = ("call", "order")

    def __str__(self) -> str:
        return self.question

    @property
    def question(self) -> str:
        return pick(self, "question")

    @property
    def answer(self) -> str:
        return pick(self, "answer")
