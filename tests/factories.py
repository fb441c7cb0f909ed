"""factory_boy factories for every model, shared by the whole suite."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from associations.models import (
    Association,
    AssociationDocument,
    Commune,
    Membership,
    Province,
    Region,
)
from calls.models import (
    Call,
    CallDomain,
    Criterion,
    Domain,
    Programme,
    RequiredDocument,
    TargetPublic,
    TrancheRule,
)
from conventions.models import Convention, Partner, PartnerType
from grants.models import (
    Application,
    Audit,
    AuditRecommendation,
    BudgetLine,
    CommitteeMinutes,
    Decision,
    Grant,
    GrantReport,
    ReviewAssignment,
    Score,
    Tranche,
)
from integrity.models import Signal
from portal.models import ImportJob, User
from portal.roles import Role
from privacy.models import ErasureRequest
from reports.models import ReportJob

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.ma")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            group, _ = Group.objects.get_or_create(name=Role(role).value)
            self.groups.add(group)
        if create:
            self.save()


def user_with_role(role: str, **kwargs) -> User:
    return UserFactory(roles=[role], **kwargs)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n:02d}")
    name_fr = factory.Sequence(lambda n: f"Région {n}")
    name_ar = factory.Sequence(lambda n: f"جهة {n}")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:03d}")
    region = factory.SubFactory(RegionFactory)
    name_fr = factory.Sequence(lambda n: f"Province {n}")
    name_ar = factory.Sequence(lambda n: f"إقليم {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:04d}")
    province = factory.SubFactory(ProvinceFactory)
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    name_ar = factory.Sequence(lambda n: f"جماعة {n}")


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name_fr = factory.Sequence(lambda n: f"Association Essor {n}")
    name_ar = factory.Sequence(lambda n: f"جمعية النهضة {n}")
    registration_number = factory.Sequence(lambda n: f"REC-{n:05d}")
    registration_date = dt.date(2015, 3, 1)
    commune = factory.SubFactory(CommuneFactory)
    province = factory.SelfAttribute("commune.province")
    region = factory.SelfAttribute("province.region")
    president_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@asso.ma")
    rib = "011780000012345678901296"
    status = Association.Status.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    association = factory.SubFactory(AssociationFactory)
    role = Membership.Role.PRESIDENT


class AssociationDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssociationDocument

    association = factory.SubFactory(AssociationFactory)
    kind = AssociationDocument.Kind.STATUTES
    file = factory.django.FileField(filename="statuts.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "statuts.pdf"
    content_type = "application/pdf"
    size = 15


class TargetPublicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetPublic
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"public-{n}")
    name_fr = factory.Sequence(lambda n: f"Public {n}")
    name_ar = factory.Sequence(lambda n: f"فئة {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"programme-{n}")
    kind = Programme.Kind.YEARLY_CALL
    name_fr = factory.Sequence(lambda n: f"Programme {n}")
    name_ar = factory.Sequence(lambda n: f"برنامج {n}")


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name_fr = factory.Sequence(lambda n: f"Domaine {n}")
    name_ar = factory.Sequence(lambda n: f"مجال {n}")


class CallFactory(factory.django.DjangoModelFactory):
    """An open call that closes in thirty days."""

    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    edition = factory.Sequence(lambda n: str(2000 + n))
    year = factory.LazyAttribute(lambda o: int(o.edition[:4]))
    title_fr = factory.Sequence(lambda n: f"Appel à projets {n}")
    title_ar = factory.Sequence(lambda n: f"طلب مشاريع {n}")
    status = Call.Status.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class CallDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallDomain

    call = factory.SubFactory(CallFactory)
    domain = factory.SubFactory(DomainFactory, programme=factory.SelfAttribute("..call.programme"))
    envelope = Decimal("1000000.00")
    max_grant = Decimal("200000.00")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    name_fr = factory.Sequence(lambda n: f"Critère {n}")
    weight = Decimal("1")
    max_score = Decimal("10")
    pass_mark = Decimal("0")
    order = factory.Sequence(int)


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"doc-{n}")
    name_fr = factory.Sequence(lambda n: f"Pièce {n}")


class TrancheRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrancheRule

    call = factory.SubFactory(CallFactory)
    order = 1
    percentage = Decimal("60")
    condition = TrancheRule.Condition.SIGNATURE


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call_domain = factory.SubFactory(CallDomainFactory)
    call = factory.SelfAttribute("call_domain.call")
    association = factory.SubFactory(AssociationFactory)
    title = factory.Sequence(lambda n: f"Projet d'accompagnement {n}")
    summary = "Accompagnement de proximité."
    objectives = "Réduire l'exclusion."
    activities = "Ateliers, écoute, orientation."
    duration_months = 12
    region = factory.SelfAttribute("association.region")
    province = factory.SelfAttribute("association.province")
    commune = factory.SelfAttribute("association.commune")
    requested_amount = Decimal("100000.00")
    status = Application.Status.DRAFT


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    category = BudgetLine.Category.ACTIVITIES
    label = "Ateliers"
    total = Decimal("150000.00")
    association_share = Decimal("30000.00")
    cofunding_share = Decimal("20000.00")


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.UNDER_REVIEW)
    reviewer = factory.LazyFunction(lambda: user_with_role(Role.REVIEWER))


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assignment = factory.SubFactory(ReviewAssignmentFactory)
    criterion = factory.SubFactory(
        CriterionFactory, call=factory.SelfAttribute("..assignment.application.call")
    )
    value = Decimal("7")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.APPROVED)
    outcome = Decision.Outcome.APPROVED
    requested_amount = factory.SelfAttribute("application.requested_amount")
    amount = factory.SelfAttribute("application.requested_amount")
    decided_at = factory.LazyFunction(timezone.now)


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.APPROVED)
    reference = factory.Sequence(lambda n: f"SUB-{n:05d}")
    amount = Decimal("100000.00")
    awarded_on = factory.LazyFunction(timezone.localdate)
    status = Grant.Status.ACTIVE


class TrancheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tranche

    grant = factory.SubFactory(GrantFactory)
    order = factory.Sequence(lambda n: n + 1)
    percentage = Decimal("60")
    amount = Decimal("60000.00")
    condition = TrancheRule.Condition.SIGNATURE


class GrantReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantReport

    grant = factory.SubFactory(GrantFactory)
    kind = GrantReport.Kind.INTERIM
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))


class PartnerTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"type-{n}")
    name_fr = factory.Sequence(lambda n: f"Type {n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    partner_type = factory.SubFactory(PartnerTypeFactory)
    name_fr = factory.Sequence(lambda n: f"Partenaire {n}")


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    kind = Convention.Kind.INSTITUTIONAL
    reference = factory.Sequence(lambda n: f"CONV-{n:05d}")
    title_fr = factory.Sequence(lambda n: f"Convention de partenariat {n}")
    partner_type = factory.SubFactory(PartnerTypeFactory)
    signed_on = dt.date(2018, 5, 1)
    year = 2018
    status = Convention.Status.SIGNED


class ReportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportJob

    requested_by = factory.LazyFunction(lambda: user_with_role(Role.MANAGER))
    programme = factory.SubFactory(ProgrammeFactory)
    language = "fr"
    format = ReportJob.Format.PDF


class CommitteeMinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMinutes

    call = factory.SubFactory(CallFactory)
    number = factory.Sequence(lambda n: n + 1)


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit

    grant = factory.SubFactory(GrantFactory)
    kind = Audit.Kind.EXTERNAL
    auditor = "Cabinet d'audit Atlas"
    started_on = factory.LazyFunction(timezone.localdate)


class AuditRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditRecommendation

    audit = factory.SubFactory(AuditFactory)
    text = "Tenir un registre des dépenses par ligne budgétaire."


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    model = "associations.association"
    resource = "associations.resources.AssociationResource"
    format = "csv"
    original_name = "associations.csv"


class ErasureRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErasureRequest

    user = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("user.email")


class SignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signal

    application = factory.SubFactory(ApplicationFactory)
    kind = Signal.Kind.SHARED_RIB
    key = factory.Sequence(lambda n: f"association:{n}")
