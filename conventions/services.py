"""Writes on conventions that touch several models.

The grant convention follows its grant: ``grants`` announces what happens to a grant
(``grants.signals``) and ``conventions.receivers`` calls these functions inside the grant's
transaction.
"""

from django.core.files.base import ContentFile

from conventions.models import Convention, ConventionParty, Partner, PartnerType
from grants.conventions import convention_pdf
from portal.workflow import record_creation, transition


def grant_partner(association) -> Partner:
    """The association's partner record, created on its first grant."""
    partner, _created = Partner.objects.get_or_create(
        association=association,
        defaults={
            "name_fr": association.name_fr,
            "name_ar": association.name_ar,
            "partner_type": PartnerType.objects.get_or_create(
                code="association",
                defaults={"name_fr": "Associations", "name_ar": "الجمعيات"},
            )[0],
            "region": association.region,
        },
    )
    return partner


def create_grant_convention(grant, *, by=None) -> Convention:
    """The grant convention in draft, its association as signatory, and its PDF. Idempotent:
    an existing convention is kept, and only its missing PDF is generated."""
    convention = Convention.objects.filter(grant=grant).first()
    if convention is None:
        partner = grant_partner(grant.application.association)
        convention = Convention.objects.create(
            kind=Convention.Kind.GRANT,
            reference=f"CONV-{grant.reference}",
            title_fr=f"Convention de partenariat — {grant.application.title}",
            title_ar=f"اتفاقية شراكة — {grant.application.title}",
            partner_type=partner.partner_type,
            grant=grant,
            programme=grant.application.call.programme,
            objective=grant.application.objectives,
            year=grant.awarded_on.year,
            amount=grant.amount,
        )
        ConventionParty.objects.create(
            convention=convention,
            partner=partner,
            role=ConventionParty.Role.SIGNATORY,
            amount=grant.amount,
        )
        record_creation(convention, by=by)
    if not convention.generated_pdf:
        convention.generated_pdf.save(
            f"{convention.reference}.pdf", ContentFile(convention_pdf(grant)), save=True
        )
    return convention


def sign_grant_convention(grant, *, signed_on, scan, by) -> Convention:
    """The grant's convention comes back signed: its scan is kept and it is signed (under a
    row lock; ``Convention.DoesNotExist`` when the grant has none)."""
    convention = Convention.objects.select_for_update().get(grant=grant)
    convention.signed_scan = scan
    convention.signed_on = signed_on
    convention.starts_on = signed_on
    convention.save(update_fields=["signed_scan", "signed_on", "starts_on", "updated_at"])
    transition(convention, Convention.Status.SIGNED, by=by)
    return convention


def terminate_grant_convention(grant, *, by, reason) -> None:
    """A cancelled grant terminates its convention if it is signed or in force."""
    running = [Convention.Status.SIGNED, Convention.Status.IN_FORCE]
    for convention in Convention.objects.filter(grant=grant, status__in=running):
        transition(convention, Convention.Status.TERMINATED, by=by, reason=reason)


def end_grant_convention(grant, *, by) -> None:
    """A closed grant ends its convention, where the convention's state allows it."""
    convention = Convention.objects.filter(grant=grant).first()
    if convention and Convention.Status.ENDED in Convention.TRANSITIONS[convention.status]:
        transition(convention, Convention.Status.ENDED, by=by)


def drop_grant_draft(grant) -> None:
    """A grant withdrawn before its signature takes its unsigned draft convention with it (the
    PDF stays in the storage's history)."""
    Convention.objects.filter(grant=grant, signed_on__isnull=True).delete()
