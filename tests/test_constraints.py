"""Every named database constraint refuses bad data, whatever code tries to write it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from associations.models import Association, Membership
from associations.validators import rib_key, validate_rib
from calls.models import Call, CallDomain, Criterion, RequiredDocument, TrancheRule
from conventions.models import Amendment, Convention, ConventionParty
from grants.models import (
    Application,
    ApplicationSubmission,
    Beneficiaries,
    BudgetLine,
    CoFunder,
    CommitteeMinutes,
    Consensus,
    Decision,
    FieldVisit,
    Grant,
    GrantReport,
    ReportExpense,
    ReviewAssignment,
    Score,
    Tranche,
)
from reports.models import ReportJob
from tests.factories import (
    ApplicationFactory,
    AssociationFactory,
    BudgetLineFactory,
    CallDomainFactory,
    CallFactory,
    ConventionFactory,
    CriterionFactory,
    DecisionFactory,
    GrantFactory,
    GrantReportFactory,
    MembershipFactory,
    PartnerFactory,
    ReportJobFactory,
    ReviewAssignmentFactory,
    ScoreFactory,
    TargetPublicFactory,
    TrancheFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _update(obj, **values):
    type(obj).objects.filter(pk=obj.pk).update(**values)


def _same(factory, **extra):
    """Create a second row copying the unique fields of a first one."""
    first = factory()
    return first, extra


def v_application_requested_gte_0():
    _update(ApplicationFactory(), requested_amount=Decimal("-1"))


def v_application_score_0_100():
    _update(ApplicationFactory(), score=Decimal("100.01"))


def v_application_unique_reference():
    ApplicationFactory(reference="AAP-2026-VIO-00001")
    ApplicationFactory(reference="AAP-2026-VIO-00001")


def v_association_rib_24_digits():
    _update(AssociationFactory(), rib="1234")


def v_association_unique_registration():
    AssociationFactory(registration_number="REC-1")
    AssociationFactory(registration_number="REC-1")


def v_beneficiaries_unique_public():
    application, public = ApplicationFactory(), TargetPublicFactory()
    Beneficiaries.objects.create(application=application, target_public=public, women=1)
    Beneficiaries.objects.create(application=application, target_public=public, men=1)


def v_budgetline_shares_gte_0():
    _update(BudgetLineFactory(), association_share=Decimal("-5"))


def v_budgetline_shares_within_total():
    BudgetLine.objects.create(
        application=ApplicationFactory(),
        category="staff",
        label="x",
        total=Decimal("100"),
        association_share=Decimal("60"),
        cofunding_share=Decimal("50"),
    )


def v_budgetline_total_gte_0():
    _update(BudgetLineFactory(), total=Decimal("-1"), association_share=0, cofunding_share=0)


def v_call_closes_after_opening():
    now = timezone.now()
    CallFactory(opens_at=now, closes_at=now - dt.timedelta(seconds=1))


def v_call_end_year_after_start():
    CallFactory(edition="2019", year=2019, end_year=2018)


def v_call_threshold_0_100():
    CallFactory(pass_threshold=Decimal("120"))


def v_call_unique_edition():
    call = CallFactory()
    CallFactory(programme=call.programme, edition=call.edition)


def v_calldomain_committed_within_envelope():
    _update(CallDomainFactory(envelope=Decimal("100")), committed=Decimal("100.01"))


def v_calldomain_envelope_gte_0():
    _update(CallDomainFactory(), envelope=Decimal("-1"))


def v_calldomain_max_grant_gte_0():
    _update(CallDomainFactory(), max_grant=Decimal("-1"))


def v_calldomain_unique():
    call_domain = CallDomainFactory()
    CallDomain.objects.create(
        call=call_domain.call, domain=call_domain.domain, envelope=1, max_grant=1
    )


def v_cofunder_amount_gte_0():
    CoFunder.objects.create(application=ApplicationFactory(), name="X", amount=Decimal("-1"))


def v_consensus_score_0_100():
    Consensus.objects.create(
        application=ApplicationFactory(), score=Decimal("101"), comment="x", moderator=UserFactory()
    )


def v_convention_amount_gte_0():
    ConventionFactory(amount=Decimal("-1"))


def v_convention_ends_after_start():
    ConventionFactory(starts_on=dt.date(2020, 1, 2), ends_on=dt.date(2020, 1, 1))


def v_convention_grant_kind_has_grant():
    ConventionFactory(kind=Convention.Kind.GRANT, grant=None)


def v_criterion_max_gt_0():
    CriterionFactory(max_score=Decimal("0"), pass_mark=Decimal("0"))


def v_criterion_pass_mark_within_max():
    CriterionFactory(max_score=Decimal("10"), pass_mark=Decimal("11"))


def v_criterion_weight_gt_0():
    CriterionFactory(weight=Decimal("0"))


def v_decision_amount_gte_0():
    decision = DecisionFactory()
    _update(decision, amount=Decimal("-1"))


def v_decision_approved_has_amount():
    DecisionFactory(amount=None)


def v_decision_approved_lte_requested():
    application = ApplicationFactory(requested_amount=Decimal("1000"))
    Decision.objects.create(
        application=application,
        outcome="approved",
        requested_amount=Decimal("1000"),
        amount=Decimal("1000.01"),
        decided_at=timezone.now(),
    )


def v_domain_unique_code():
    call_domain = CallDomainFactory()
    domain = call_domain.domain
    type(domain).objects.create(programme=domain.programme, code=domain.code, name_fr="x")


def v_expense_amount_gte_0():
    ReportExpense.objects.create(
        report=GrantReportFactory(),
        label="x",
        amount=Decimal("-1"),
        original_name="r.pdf",
        content_type="application/pdf",
        size=1,
    )


def v_fieldvisit_rating_1_5():
    FieldVisit.objects.create(
        grant=GrantFactory(),
        visited_on=dt.date(2026, 1, 1),
        officer=UserFactory(),
        findings="x",
        rating=6,
    )


def v_grant_amount_gte_0():
    _update(GrantFactory(), amount=Decimal("-1"))


def v_grant_paid_within_amount():
    _update(GrantFactory(amount=Decimal("1000")), paid_amount=Decimal("1000.01"))


def v_grant_reimbursement_within_paid():
    _update(GrantFactory(paid_amount=Decimal("100")), reimbursement_amount=Decimal("100.01"))


def v_grantreport_one_per_kind():
    report = GrantReportFactory()
    GrantReport.objects.create(grant=report.grant, kind=report.kind, due_on=dt.date(2027, 1, 1))


def v_membership_unique():
    membership = MembershipFactory()
    Membership.objects.create(user=membership.user, association=membership.association)


def v_minutes_unique_number():
    call = CallFactory()
    CommitteeMinutes.objects.create(call=call, number=1)
    CommitteeMinutes.objects.create(call=call, number=1)


def v_party_unique_role():
    convention, partner = ConventionFactory(), PartnerFactory()
    ConventionParty.objects.create(convention=convention, partner=partner, role="signatory")
    ConventionParty.objects.create(convention=convention, partner=partner, role="signatory")


def v_amendment_unique():
    convention = ConventionFactory()
    Amendment.objects.create(convention=convention, number=1, subject="a")
    Amendment.objects.create(convention=convention, number=1, subject="b")


def v_reportbeneficiaries_unique_public():
    from grants.models import ReportBeneficiaries

    report, public = GrantReportFactory(), TargetPublicFactory()
    ReportBeneficiaries.objects.create(report=report, target_public=public)
    ReportBeneficiaries.objects.create(report=report, target_public=public)


def v_reportjob_progress_0_100():
    _update(ReportJobFactory(), progress=101)


def v_reportjob_year_range():
    ReportJobFactory(year_from=2020, year_to=2019)


def v_requireddocument_unique_code():
    call = CallFactory()
    RequiredDocument.objects.create(call=call, code="statuts", name_fr="a")
    RequiredDocument.objects.create(call=call, code="statuts", name_fr="b")


def v_review_one_per_reviewer():
    assignment = ReviewAssignmentFactory()
    ReviewAssignment.objects.create(
        application=assignment.application, reviewer=assignment.reviewer
    )


def v_score_one_per_criterion():
    score = ScoreFactory()
    Score.objects.create(assignment=score.assignment, criterion=score.criterion, value=1)


def v_score_value_gte_0():
    _update(ScoreFactory(), value=Decimal("-1"))


def v_submission_unique_version():
    application = ApplicationFactory()
    for _ in range(2):
        ApplicationSubmission.objects.create(
            application=application, number=1, submitted_at=timezone.now(), snapshot={}
        )


def v_tranche_amount_gte_0():
    _update(TrancheFactory(), amount=Decimal("-1"))


def v_tranche_paid_has_date_and_reference():
    _update(TrancheFactory(), status=Tranche.Status.PAID)


def v_tranche_unique_order():
    tranche = TrancheFactory()
    TrancheFactory(grant=tranche.grant, order=tranche.order)


def v_tranchrule_percentage_0_100():
    TrancheRule.objects.create(
        call=CallFactory(), order=1, percentage=Decimal("0"), condition="signature"
    )


def v_tranchrule_unique_order():
    call = CallFactory()
    TrancheRule.objects.create(call=call, order=1, percentage=60, condition="signature")
    TrancheRule.objects.create(call=call, order=1, percentage=40, condition="final_report")


VIOLATIONS = {name[2:]: fn for name, fn in dict(globals()).items() if name.startswith("v_")}


def _constraint_names():
    from django.apps import apps

    names = set()
    for model in apps.get_models():
        if model._meta.app_label in {
            "portal",
            "calls",
            "associations",
            "grants",
            "conventions",
            "reports",
        }:
            names |= {c.name for c in model._meta.constraints}
    return names


def test_every_named_constraint_has_a_violation_test():
    assert _constraint_names() == set(VIOLATIONS)


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_the_database_refuses(name):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        VIOLATIONS[name]()

    message = str(error.value).lower()
    assert name in message or "unique" in message or "check" in message


def test_a_valid_rib_passes_and_wrong_ones_are_refused_with_a_reason():
    from django.core.exceptions import ValidationError

    valid = "0117800000123456789012" + rib_key("0117800000123456789012")
    validate_rib(valid)
    validate_rib(f"{valid[:3]} {valid[3:6]} {valid[6:22]} {valid[22:]}")

    with pytest.raises(ValidationError) as wrong_key:
        validate_rib(valid[:22] + "00")
    with pytest.raises(ValidationError) as wrong_length:
        validate_rib(valid[:23])
    assert wrong_key.value.code == "rib_key"
    assert wrong_length.value.code == "rib_length"


def test_good_rows_are_accepted():
    # the factories' defaults respect every constraint
    for factory in (
        ApplicationFactory,
        GrantFactory,
        DecisionFactory,
        TrancheFactory,
        ScoreFactory,
        ConventionFactory,
        ReportJobFactory,
    ):
        assert factory().pk
    assert Association.objects.exists()
    assert Call.objects.exists()
    assert Criterion.objects.exists()
    assert Application.objects.exists()
    assert Grant.objects.exists()
    assert ReportJob.objects.exists()
