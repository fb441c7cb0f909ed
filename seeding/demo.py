"""Demonstration accounts and a living call, so that every screen has something to show.

One user per role (fixed e-mails and password, printed by ``seed_demo``), and one open call of
the current year whose dates are relative to today, with demonstration associations and
applications in every state of the workflow. Everything is looked up by stable keys first, so
running it twice on the same day changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from associations.models import Association, Membership, Province
from associations.validators import rib_key
from calls.models import (
    FAQ,
    Call,
    CallDomain,
    Criterion,
    Domain,
    Programme,
    RequiredDocument,
    TargetPublic,
    TrancheRule,
)
from grants import scoring
from grants.models import (
    Application,
    ApplicationDocument,
    Audit,
    AuditRecommendation,
    Beneficiaries,
    BudgetLine,
    CoFunder,
    ComplementRequest,
    Decision,
    Grant,
    ReviewAssignment,
    Score,
)
from grants.services.followup import prepare_grant, sign
from integrity.models import Signal
from integrity.services import compute_signals, keep
from portal.models import User
from portal.roles import Role
from portal.workflow import record_creation, transition

DEMO_PASSWORD = "Demo-Portail-2026!"  # noqa: S105 - printed on purpose: demonstration accounts


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str | None
    label: str
    is_staff: bool = False
    is_superuser: bool = False


ACCOUNTS = (
    DemoAccount(
        "admin@demo.ma",
        "Amina",
        "Administratrice",
        Role.ADMINISTRATOR,
        "administrator",
        is_staff=True,
        is_superuser=True,
    ),
    DemoAccount("staff@demo.ma", "Said", "Agent", Role.STAFF, "staff officer", is_staff=True),
    DemoAccount("reviewer1@demo.ma", "Rachid", "Évaluateur", Role.REVIEWER, "reviewer"),
    DemoAccount("reviewer2@demo.ma", "Nadia", "Évaluatrice", Role.REVIEWER, "reviewer"),
    DemoAccount("reviewer3@demo.ma", "Youssef", "Évaluateur", Role.REVIEWER, "reviewer"),
    DemoAccount("comite@demo.ma", "Karim", "Comité", Role.COMMITTEE, "committee member"),
    DemoAccount("manager@demo.ma", "Leila", "Responsable", Role.MANAGER, "manager"),
    DemoAccount("president@demo.ma", "Fatima", "Présidente", None, "association president"),
    DemoAccount("membre@demo.ma", "Omar", "Membre", None, "association member"),
)


def demo_users() -> dict[str, User]:
    users = {}
    for account in ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=account.email,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "is_staff": account.is_staff,
                "is_superuser": account.is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if account.role:
            group, _ = Group.objects.get_or_create(name=account.role)
            user.groups.add(group)
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        users[account.email] = user
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    return users


DOMAINS = (
    # code, envelope, cap per project
    ("VIO", Decimal("3000000.00"), Decimal("250000.00")),
    ("AUTO", Decimal("2500000.00"), Decimal("200000.00")),
    ("EPSPA", Decimal("1200000.00"), Decimal("150000.00")),
    ("ENRUE", Decimal("1500000.00"), Decimal("180000.00")),
)

CRITERIA = (
    ("Pertinence du projet", "ملاءمة المشروع", "Relevance", 30, 10, 5),
    ("Faisabilité et budget", "قابلية التنفيذ والميزانية", "Feasibility and budget", 25, 10, 4),
    ("Impact sur les bénéficiaires", "الأثر على المستفيدين", "Impact on beneficiaries", 25, 10, 4),
    ("Capacités de l’association", "قدرات الجمعية", "Capacity of the association", 20, 10, 3),
)

DOCUMENTS = (
    ("statuts", "Statuts de l’association", "النظام الأساسي للجمعية", "Statutes"),
    ("pv-ag", "PV de la dernière assemblée générale", "محضر آخر جمع عام", "Minutes of the last GA"),
    ("attestation-rib", "Attestation bancaire (RIB)", "شهادة بنكية", "Bank certificate"),
    ("budget", "Budget détaillé du projet", "الميزانية المفصلة للمشروع", "Detailed budget"),
)

FAQS = (
    (
        "Qui peut déposer un projet ?",
        "Toute association légalement constituée depuis au moins deux ans, dont le profil a été "
        "vérifié par le Ministère.",
        "من يمكنه تقديم مشروع؟",
        "كل جمعية مؤسسة بصفة قانونية منذ سنتين على الأقل وتم التحقق من ملفها من طرف الوزارة.",
        "Who may apply?",
        "Any association legally registered for at least two years whose profile the Ministry has "
        "verified.",
    ),
    (
        "Puis-je corriger mon dossier après l’avoir soumis ?",
        "Oui : jusqu’à la date limite, vous pouvez rouvrir votre dossier, le corriger et le "
        "soumettre à nouveau. La dernière version soumise avant la date limite est retenue.",
        "هل يمكنني تصحيح ملفي بعد إرساله؟",
        "نعم، إلى غاية الأجل المحدد يمكنكم إعادة فتح الملف وتصحيحه وإرساله من جديد.",
        "Can I correct my application after submitting it?",
        "Yes: until the deadline you can reopen, correct and submit it again; the last version "
        "submitted before the deadline counts.",
    ),
)


def _today_at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def open_call() -> Call:
    """The current year's call of the partnership programme, open since 30 days for 30 more."""
    programme = Programme.objects.get(code="partenariat-associations")
    year = timezone.localdate().year
    call, created = Call.objects.get_or_create(
        programme=programme,
        edition=str(year),
        defaults={
            "year": year,
            "title_fr": f"Appel à projets {year} — partenariat avec les associations",
            "title_ar": f"طلب مشاريع {year} — الشراكة مع الجمعيات",
            "title_en": f"Call for projects {year} — partnership with associations",
            "description_fr": programme.description_fr,
            "description_ar": programme.description_ar,
            "description_en": programme.description_en,
            "eligibility_fr": "Associations légalement constituées depuis au moins deux ans, "
            "à jour de leurs obligations, dont le profil est vérifié par le Ministère. Un "
            "projet par association et par domaine.",
            "eligibility_ar": "الجمعيات المؤسسة بصفة قانونية منذ سنتين على الأقل، والتي تم "
            "التحقق من ملفها من طرف الوزارة. مشروع واحد لكل جمعية في كل مجال.",
            "eligibility_en": "Associations registered for at least two years, verified by the "
            "Ministry. One project per association and domain.",
            "opens_at": _today_at(-30, 9),
            "closes_at": _today_at(30, 23, 59),
            "status": Call.Status.DRAFT,
            "pass_threshold": Decimal("60"),
            "reviewers_per_application": 2,
            "disagreement_gap": Decimal("20"),
        },
    )
    if not created:
        return call
    record_creation(call)
    transition(call, Call.Status.PUBLISHED, reason="Publication de démonstration")
    transition(call, Call.Status.OPEN, reason="Ouverture de démonstration")
    domains = {d.code: d for d in Domain.objects.filter(programme=programme)}
    for order, (code, envelope, cap) in enumerate(DOMAINS, 1):
        CallDomain.objects.create(
            call=call, domain=domains[code], envelope=envelope, max_grant=cap, order=order
        )
    for order, (fr, ar, en, weight, maximum, mark) in enumerate(CRITERIA, 1):
        Criterion.objects.create(
            call=call,
            name_fr=fr,
            name_ar=ar,
            name_en=en,
            weight=weight,
            max_score=maximum,
            pass_mark=mark,
            order=order,
        )
    for order, (code, fr, ar, en) in enumerate(DOCUMENTS, 1):
        RequiredDocument.objects.create(
            call=call, code=code, name_fr=fr, name_ar=ar, name_en=en, order=order
        )
    TrancheRule.objects.create(
        call=call, order=1, percentage=60, condition=TrancheRule.Condition.SIGNATURE
    )
    TrancheRule.objects.create(
        call=call, order=2, percentage=40, condition=TrancheRule.Condition.INTERIM_REPORT
    )
    for order, (qfr, afr, qar, aar, qen, aen) in enumerate(FAQS, 1):
        FAQ.objects.create(
            call=call,
            question_fr=qfr,
            answer_fr=afr,
            question_ar=qar,
            answer_ar=aar,
            question_en=qen,
            answer_en=aen,
            order=order,
        )
    return call


LIVE_ASSOCIATIONS = (
    # registration number, name, Arabic name, province code, status
    ("DEMO-LIVE-01", "Association de démonstration Al Amal pour la femme", "جمعية الأمل للمرأة (تجريبية)", "04-RAB", "verified"),
    ("DEMO-LIVE-02", "Association de démonstration Annour pour l’enfance", "جمعية النور للطفولة (تجريبية)", "06-CAS", "verified"),
    ("DEMO-LIVE-03", "Association de démonstration Tadamoun Souss", "جمعية التضامن سوس (تجريبية)", "09-AGA", "verified"),
    ("DEMO-LIVE-04", "Association de démonstration Al Karama Oriental", "جمعية الكرامة الشرق (تجريبية)", "02-OUJ", "verified"),
    ("DEMO-LIVE-05", "Association de démonstration Chourouk Drâa", "جمعية الشروق درعة (تجريبية)", "08-OUA", "verified"),
    ("DEMO-LIVE-06", "Association de démonstration Al Wifaq Fès", "جمعية الوفاق فاس (تجريبية)", "03-FES", "pending"),
)  # fmt: skip


# Each demonstration association has its own RIB, except one that reuses another's: the
# integrity signal "RIB shared with another association" (integrity.services.shared_rib).
SHARED_RIB = {"DEMO-LIVE-05": "DEMO-LIVE-03"}


def demo_rib(number: str) -> str:
    """A valid RIB (its check key computed) of a demonstration association."""
    number = SHARED_RIB.get(number, number)
    first_22 = f"011780000012345678{9011 + int(number[-2:]):04d}"
    return first_22 + rib_key(first_22)


def live_associations(users: dict[str, User]) -> list[Association]:
    associations = []
    for number, name, name_ar, province_code, status in LIVE_ASSOCIATIONS:
        province = Province.objects.select_related("region").get(code=province_code)
        association, created = Association.objects.get_or_create(
            registration_number=number,
            defaults={
                "name_fr": name,
                "name_ar": name_ar,
                "registration_date": dt.date(2016, 5, 12),
                "region": province.region,
                "province": province,
                "commune": province.communes.first(),
                "address": "Adresse de démonstration",
                "email": f"{number.lower()}@demo.ma",
                "president_name": "Présidente de démonstration",
                "bank_name": "Banque de démonstration",
                "rib": demo_rib(number),
                "is_demo": True,
            },
        )
        if created:
            record_creation(association)
            transition(association, Association.Status.PENDING)
            if status == "verified":
                transition(
                    association,
                    Association.Status.VERIFIED,
                    by=users["staff@demo.ma"],
                    updates={"verified_at": timezone.now(), "verified_by": users["staff@demo.ma"]},
                )
        associations.append(association)
    Membership.objects.get_or_create(
        user=users["president@demo.ma"],
        association=associations[0],
        defaults={"role": Membership.Role.PRESIDENT},
    )
    Membership.objects.get_or_create(
        user=users["membre@demo.ma"],
        association=associations[0],
        defaults={"role": Membership.Role.MEMBER},
    )
    return associations


# Each demo application ends in one state; the path is the list of transitions that lead there.
S = Application.Status
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.COMPLEMENTS_REQUESTED: [S.SUBMITTED, S.COMPLEMENTS_REQUESTED],
    S.ADMISSIBLE: [S.SUBMITTED, S.ADMISSIBLE],
    S.INADMISSIBLE: [S.SUBMITTED, S.INADMISSIBLE],
    S.UNDER_REVIEW: [S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW],
    S.REVIEWED: [S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW, S.REVIEWED],
    S.APPROVED: [S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW, S.REVIEWED, S.APPROVED],
    S.WAITLISTED: [S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW, S.REVIEWED, S.WAITLISTED],
    S.REJECTED: [S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW, S.REVIEWED, S.REJECTED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}

# (final state, association index, domain code, requested amount, scores per reviewer)
PLAN = (
    (S.DRAFT, 0, "VIO", "120000.00", None),
    (S.SUBMITTED, 0, "AUTO", "150000.00", None),
    (S.COMPLEMENTS_REQUESTED, 1, "VIO", "90000.00", None),
    (S.ADMISSIBLE, 1, "AUTO", "110000.00", None),
    (S.INADMISSIBLE, 2, "EPSPA", "140000.00", None),
    (S.UNDER_REVIEW, 2, "VIO", "200000.00", ((8, 7, 7, 6), None)),
    (S.REVIEWED, 3, "VIO", "180000.00", ((7, 7, 6, 6), (6, 7, 6, 5))),
    (S.APPROVED, 3, "AUTO", "160000.00", ((9, 8, 8, 7), (8, 8, 9, 7))),
    (S.WAITLISTED, 4, "VIO", "230000.00", ((7, 6, 6, 6), (7, 6, 7, 5))),
    (S.REJECTED, 4, "AUTO", "190000.00", ((4, 5, 3, 4), (5, 4, 4, 3))),
    (S.WITHDRAWN, 1, "ENRUE", "70000.00", None),
    (S.APPROVED, 0, "ENRUE", "175000.00", ((8, 9, 8, 8), (9, 8, 8, 7))),
)


def _result(score_sets, criteria, call):
    """The application's result by the portal's own rules (``grants.scoring``)."""
    grid = [scoring.GridCriterion(c.pk, c.weight, c.max_score, c.pass_mark) for c in criteria]
    reviews = [
        {c.pk: Decimal(v) for v, c in zip(values, criteria, strict=True)} for values in score_sets
    ]
    return scoring.application_result(
        grid, reviews, threshold=call.pass_threshold, gap=call.disagreement_gap
    )


# The project of each demonstration application (by its number in PLAN): each its own, except
# number 8, which repeats number 2 with a few words changed — the integrity signals "project
# nearly identical to another application" and, with the same co-funder declared by both,
# "co-funding contradicted by another project".
PROJECTS = {
    1: (
        "Maison d’écoute pour femmes",
        "Une maison d’écoute et d’hébergement temporaire pour les femmes en détresse.",
        "Héberger 40 femmes par an et les orienter vers un emploi.",
        "Accueil de nuit, entretiens individuels, suivi juridique.",
    ),
    2: (
        "Autonomisation économique des jeunes femmes rurales",
        "Formation aux métiers de la transformation des produits du terroir et création de coopératives féminines dans les douars enclavés.",
        "Former 60 jeunes femmes ; créer trois coopératives ; commercialiser l’huile d’argan et le couscous artisanal.",
        "Cycles de formation technique, accompagnement juridique des coopératives, participation aux foires régionales.",
    ),
    3: (
        "Soutien scolaire des enfants en milieu urbain",
        "Cours de renforcement en mathématiques et en langues pour les élèves du primaire des quartiers périphériques.",
        "Réduire le redoublement de moitié chez 150 élèves.",
        "Séances hebdomadaires, bibliothèque mobile, rencontres avec les parents.",
    ),
    4: (
        "Insertion professionnelle des personnes handicapées",
        "Un atelier protégé de menuiserie et de reliure pour adultes en situation de handicap.",
        "Employer 25 travailleurs ; obtenir des commandes des administrations locales.",
        "Apprentissage encadré, adaptation des postes, démarchage commercial.",
    ),
    5: (
        "Colonie de vacances inclusive",
        "Séjours d’été au bord de la mer pour enfants de familles démunies.",
        "Accueillir 200 enfants sur quatre sessions.",
        "Transport, animation sportive, veillées culturelles, encadrement médical.",
    ),
    6: (
        "Prévention des violences en milieu scolaire",
        "Clubs de médiation entre pairs dans douze collèges de la région.",
        "Former 90 médiateurs ; diminuer les incidents signalés.",
        "Formation des élèves médiateurs, théâtre forum, guide pour enseignants.",
    ),
    7: (
        "Accompagnement des personnes âgées isolées",
        "Visites à domicile, portage de repas et téléassistance pour les aînés vivant seuls.",
        "Suivre 120 personnes âgées ; rompre leur isolement.",
        "Tournées de bénévoles, repas chauds, boîtiers d’alerte, sorties collectives.",
    ),
    8: (
        "Autonomisation économique des jeunes femmes du monde rural",
        "Formation aux métiers de la transformation des produits du terroir et création de coopératives féminines dans les douars enclavés.",
        "Former 60 jeunes femmes ; créer trois coopératives ; commercialiser l’huile d’argan et le couscous traditionnel.",
        "Cycles de formation technique, accompagnement juridique des coopératives, participation aux foires régionales.",
    ),
    9: (
        "Protection des enfants en situation de rue",
        "Un centre de jour offrant repas, douche et suivi éducatif aux enfants des rues.",
        "Réinsérer 50 enfants dans leur famille ou à l’école.",
        "Maraudes nocturnes, centre d’accueil, médiation familiale.",
    ),
    10: (
        "Alphabétisation fonctionnelle des adultes",
        "Classes d’alphabétisation en darija et en amazighe adossées aux mosquées et aux foyers féminins.",
        "Alphabétiser 300 adultes en deux ans.",
        "Cours du soir, manuels bilingues, certification des acquis.",
    ),
    11: (
        "Sport et santé pour les jeunes des quartiers",
        "Tournois de football et ateliers de nutrition pour adolescents.",
        "Mobiliser 400 jeunes ; sensibiliser à l’hygiène de vie.",
        "Championnat inter-quartiers, bilans de santé, cuisine pédagogique.",
    ),
    12: (
        "Réinsertion des enfants en rupture familiale",
        "Hébergement éducatif et formation professionnelle des adolescents sortis de la rue.",
        "Former 30 adolescents à un métier et les loger un an.",
        "Foyer éducatif, stages en entreprise, soutien psychologique.",
    ),
}
# The co-funder the two near-identical projects (2 and 8) both declare.
SHARED_COFUNDER = "Fondation Drosos"


def _build_application(
    *, call, association, call_domain, amount, reference, title, publics, user, project=None
):
    subject, summary, objectives, activities = project or (
        "",
        "Projet de démonstration : accompagnement de proximité, écoute et orientation.",
        "Améliorer l’accès des bénéficiaires aux services sociaux de proximité.",
        "Permanences d’écoute, ateliers, orientation vers les services publics.",
    )
    application = Application.objects.create(
        call=call,
        call_domain=call_domain,
        association=association,
        title=f"{title} — {subject}" if subject else title,
        summary=summary,
        objectives=objectives,
        activities=activities,
        duration_months=12,
        region=association.region,
        province=association.province,
        commune=association.commune,
        requested_amount=amount,
        created_by=user,
    )
    record_creation(application, by=user)
    BudgetLine.objects.create(
        application=application,
        order=1,
        category=BudgetLine.Category.ACTIVITIES,
        label="Ateliers et permanences",
        total=amount + Decimal("40000.00"),
        association_share=Decimal("25000.00"),
        cofunding_share=Decimal("15000.00"),
    )
    for public in publics:
        Beneficiaries.objects.create(
            application=application, target_public=public, women=120, men=45
        )
    for required in call.required_documents.all():
        name = f"{required.code}.pdf"
        document = ApplicationDocument(
            application=application,
            required_document=required,
            original_name=name,
            content_type="application/pdf",
            size=len(DEMO_PDF),
            uploaded_by=user,
        )
        document.file.save(name, ContentFile(DEMO_PDF), save=True)
    application.reference = reference
    return application


# A minimal valid PDF: the demonstration applications' attached documents.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def live_applications(call: Call, associations, users) -> int:  # noqa: PLR0912
    if call.applications.exists():
        return 0
    staff = users["staff@demo.ma"]
    committee = users["comite@demo.ma"]
    reviewers = [users[f"reviewer{i}@demo.ma"] for i in (1, 2, 3)]
    criteria = list(call.criteria.order_by("order"))
    call_domains = {cd.domain.code: cd for cd in call.call_domains.select_related("domain")}
    publics = list(TargetPublic.objects.filter(code__in=["women", "children"]))
    sequences: dict[str, int] = {}
    now = timezone.now()
    for index, (state, assoc_index, code, amount, scores) in enumerate(PLAN, 1):
        association = associations[assoc_index]
        member = association.memberships.select_related("user").first()
        author = member.user if member else staff
        sequences[code] = sequences.get(code, 0) + 1
        reference = f"AAP-{call.year}-{code}-{sequences[code]:05d}"
        application = _build_application(
            call=call,
            association=association,
            call_domain=call_domains[code],
            amount=Decimal(amount),
            reference=reference,
            title=f"Projet de démonstration {index:02d}",
            publics=publics,
            user=author,
            project=PROJECTS.get(index),
        )
        if index in (2, 8):
            CoFunder.objects.create(
                application=application,
                name=SHARED_COFUNDER,
                amount=Decimal("15000.00"),
                confirmed=True,
            )
        for step in PATHS[state]:
            updates = {}
            by = staff
            reason = ""
            if step == S.SUBMITTED:
                by = author
                updates = {"reference": reference, "version": 1, "submitted_at": now}
            elif step == S.INADMISSIBLE:
                reason = "Attestation bancaire absente."
                updates = {"inadmissibility_reason": reason}
            elif step == S.COMPLEMENTS_REQUESTED:
                ComplementRequest.objects.create(
                    application=application,
                    message="Merci de joindre l’attestation bancaire.",
                    due_at=now + dt.timedelta(days=10),
                    requested_by=staff,
                )
            elif step == S.UNDER_REVIEW and scores:
                for reviewer, values in zip(reviewers, scores, strict=False):
                    assignment = ReviewAssignment.objects.create(
                        application=application,
                        reviewer=reviewer,
                        assigned_by=staff,
                        no_conflict_declared_at=now if values else None,
                        status=(
                            ReviewAssignment.Status.SUBMITTED
                            if values
                            else ReviewAssignment.Status.ASSIGNED
                        ),
                        submitted_at=now if values else None,
                    )
                    for value, criterion in zip(values or (), criteria, strict=False):
                        Score.objects.create(
                            assignment=assignment,
                            criterion=criterion,
                            value=value,
                            comment="Appréciation de démonstration.",
                        )
            elif step == S.REVIEWED:
                result = _result([s for s in scores if s], criteria, call)
                updates = {
                    "score": result.score,
                    "passes_grid": result.passes,
                    "needs_consensus": result.needs_consensus,
                }
            elif step in (S.APPROVED, S.WAITLISTED, S.REJECTED):
                by = committee
                approved = Decimal(amount) if step == S.APPROVED else None
                Decision.objects.create(
                    application=application,
                    outcome=step,
                    requested_amount=Decimal(amount),
                    amount=approved,
                    decided_by=committee,
                    decided_at=now,
                    reason="" if approved else "Score inférieur aux projets retenus.",
                )
                if approved:
                    call_domain = call_domains[code]
                    CallDomain.objects.filter(pk=call_domain.pk).update(
                        committed=call_domain.committed + approved
                    )
                    call_domain.refresh_from_db()
            transition(application, step, by=by, reason=reason, updates=updates)
        if state == S.APPROVED:
            _grant_for(application, call, staff, active=index == len(PLAN))
    for code, last in sequences.items():
        # the next application sent in the domain continues these numbers
        CallDomain.objects.filter(pk=call_domains[code].pk).update(last_reference_number=last)
    return len(PLAN)


def _grant_for(application: Application, call: Call, staff: User, *, active: bool) -> Grant:
    """The grant of an approved demonstration application, prepared by the portal's own
    service (tranches, reports due, convention PDF) and, for one of them, signed."""
    grant = Grant.objects.create(
        application=application,
        reference=application.reference.replace("AAP-", "SUB-", 1),
        amount=application.requested_amount,
        awarded_on=timezone.localdate(),
        status=Grant.Status.PENDING_SIGNATURE,
    )
    record_creation(grant, by=staff)
    prepare_grant(grant, by=staff)
    if active:
        sign(
            grant,
            signed_on=timezone.localdate(),
            scan=ContentFile(DEMO_PDF, name="convention-signee.pdf"),
            by=staff,
        )
    return grant


def integrity_cases(call: Call, associations, users) -> int:
    """One case of each integrity signal in the demonstration call (the shared RIB and the
    near-identical projects are in the associations and the applications above): a person in
    the bureau of two applicant associations, and an open audit recommendation on the signed
    grant of the demo president's association; then the signals are computed, one kept by
    staff with a reason. Returns the number of signals."""
    staff = users["staff@demo.ma"]
    person, created = User.objects.get_or_create(
        email="bureau.double@demo.ma", defaults={"first_name": "Karim", "last_name": "Bennani"}
    )
    if created:
        person.set_unusable_password()
        person.save()
    for association, role in (
        (associations[1], Membership.Role.TREASURER),
        (associations[3], Membership.Role.SECRETARY),
    ):
        Membership.objects.get_or_create(
            user=person, association=association, defaults={"role": role}
        )
    signed = Grant.objects.filter(
        application__call=call, application__association=associations[0], status=Grant.Status.ACTIVE
    ).first()
    if signed and not Audit.objects.filter(grant=signed).exists():
        audit = Audit.objects.create(
            grant=signed,
            kind=Audit.Kind.INTERNAL,
            auditor="Inspection générale du ministère",
            started_on=timezone.localdate(),
            findings="Pièces justificatives des dépenses incomplètes.",
        )
        record_creation(audit, by=staff)
        recommendation = AuditRecommendation.objects.create(
            audit=audit,
            text="Produire les factures des ateliers et tenir un registre des dépenses.",
            due_on=timezone.localdate() + dt.timedelta(days=30),
        )
        record_creation(recommendation, by=staff)
    count = 0
    # the demonstration's own applications (those of PLAN, numbered), not rows added later
    sent = call.applications.exclude(status__in=[S.DRAFT, S.WITHDRAWN]).exclude(reference=None)
    for application in sent.order_by("pk"):
        count += len(compute_signals(application))
    already = Signal.objects.filter(application__call=call, status=Signal.Status.KEPT)
    kept = (
        None
        if already.exists()
        else (
            Signal.objects.filter(
                application__call=call, kind=Signal.Kind.SHARED_RIB, status=Signal.Status.OPEN
            )
            .order_by("pk")
            .first()
        )
    )
    if kept:
        keep(
            kept,
            by=staff,
            reason="RIB identique à vérifier auprès de la banque avant toute décision.",
        )
    return count


@transaction.atomic
def load_demo() -> dict:
    users = demo_users()
    call = open_call()
    associations = live_associations(users)
    created = live_applications(call, associations, users)
    signals = integrity_cases(call, associations, users)
    return {"users": users, "call": call, "applications": created, "signals": signals}
