"""Association profile, documents, members, and the ministry's verification."""

import pytest
from django.core import mail
from django.urls import reverse

from associations.models import Association, Invitation, Membership
from associations.validators import rib_key
from tests.apply_helpers import pdf_upload
from tests.factories import (
    AssociationDocumentFactory,
    CommuneFactory,
    MembershipFactory,
    ProvinceFactory,
    UserFactory,
)
from tests.pages import page

pytestmark = pytest.mark.django_db

GOOD_RIB = "0117800000123456789012" + rib_key("0117800000123456789012")


def _profile(commune, **overrides):
    return {
        "name_fr": "Association Tafaoul",
        "name_ar": "جمعية التفاعل",
        "legal_form": "association",
        "registration_number": "REC-TNG-0042",
        "region": commune.province.region_id,
        "province": commune.province_id,
        "commune": commune.pk,
        "rib": GOOD_RIB,
        **overrides,
    }


def test_a_user_registers_an_association_and_becomes_its_president(client):
    user = UserFactory()
    commune = CommuneFactory()
    client.force_login(user)

    response = client.post(reverse("associations:create"), _profile(commune))

    association = Association.objects.get(registration_number="REC-TNG-0042")
    assert response.status_code == 302
    assert association.status == "draft"
    assert association.commune == commune
    assert Membership.objects.get(association=association, user=user).role == "president"
    assert association.status_history.count() == 1


def test_a_rib_with_a_wrong_key_is_refused_and_nothing_is_created(client):
    client.force_login(UserFactory())
    wrong = GOOD_RIB[:22] + f"{(int(GOOD_RIB[22:]) + 1) % 100:02d}"

    response = client.post(reverse("associations:create"), _profile(CommuneFactory(), rib=wrong))

    assert response.status_code == 200
    assert "La clé de ce RIB est erronée" in page(response)
    assert not Association.objects.exists()


def test_a_rib_may_be_typed_with_spaces(client):
    client.force_login(UserFactory())
    spaced = " ".join(GOOD_RIB[i : i + 4] for i in range(0, 24, 4))

    client.post(reverse("associations:create"), _profile(CommuneFactory(), rib=spaced))

    assert Association.objects.get().rib == GOOD_RIB


def test_the_province_must_belong_to_the_region(client):
    client.force_login(UserFactory())
    commune = CommuneFactory()
    elsewhere = ProvinceFactory()

    response = client.post(
        reverse("associations:create"),
        _profile(commune, region=elsewhere.region_id),
    )

    assert response.status_code == 200
    assert not Association.objects.exists()


def test_the_cascade_lists_only_the_provinces_of_the_region_and_the_communes_of_the_province(
    client,
):
    commune = CommuneFactory()
    other = CommuneFactory()

    provinces = page(
        client.get(reverse("associations:provinces"), {"region": commune.province.region_id})
    )
    communes = page(client.get(reverse("associations:communes"), {"province": commune.province_id}))

    assert commune.province.name_fr in provinces
    assert other.province.name_fr not in provinces
    assert commune.name_fr in communes
    assert other.name_fr not in communes


def test_documents_are_uploaded_with_their_expiry_and_checked_by_content(client, member):
    association = member.memberships.get().association
    client.force_login(member)
    url = reverse("associations:document_upload", args=[association.pk])

    client.post(
        url, {"kind": "bank_certificate", "file": pdf_upload("rib.pdf"), "expires_on": "2027-06-30"}
    )
    refused = client.post(
        url,
        {"kind": "statutes", "file": pdf_upload("statuts.pdf", b"<html>not a pdf</html>" * 5)},
        follow=True,
    )

    document = association.documents.get()
    assert (document.kind, str(document.expires_on), document.content_type) == (
        "bank_certificate",
        "2027-06-30",
        "application/pdf",
    )
    assert "n'est pas un fichier PDF, JPEG, PNG, XLSX ou DOCX" in page(refused)
    download = client.get(
        reverse("associations:document_download", args=[association.pk, document.pk])
    )
    assert download.status_code == 200


def test_verification_needs_documents_then_goes_to_the_ministry(client):
    membership = MembershipFactory(association__status="draft")
    association = membership.association
    client.force_login(membership.user)
    url = reverse("associations:submit", args=[association.pk])

    refused = client.post(url, follow=True)
    AssociationDocumentFactory(association=association)
    client.post(url)

    assert "Ajoutez les documents de l'association" in page(refused)
    association.refresh_from_db()
    assert association.status == "pending"


def test_staff_verify_an_association_and_its_members_are_told_in_their_language(
    client, staff_user, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(association__status="pending", user__language="ar")
    client.force_login(staff_user)

    queue = client.get(reverse("associations:verification_queue"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("associations:verification", args=[membership.association_id]),
            {"decision": "verify", "message": ""},
        )

    association = Association.objects.get(pk=membership.association_id)
    assert membership.association.name_fr in page(queue)
    assert (association.status, association.verified_by) == ("verified", staff_user)
    assert len(mail.outbox) == 1
    assert "تم التحقق من" in mail.outbox[0].subject
    assert mail.outbox[0].bcc == [membership.user.email]


def test_asking_for_corrections_needs_a_message_which_the_association_then_reads(
    client, staff_user
):
    membership = MembershipFactory(association__status="pending")
    url = reverse("associations:verification", args=[membership.association_id])
    client.force_login(staff_user)

    refused = client.post(url, {"decision": "changes", "message": " "})
    client.post(
        url, {"decision": "changes", "message": "Le RIB ne correspond pas à l'attestation."}
    )
    client.force_login(membership.user)
    seen = page(client.get(reverse("associations:detail", args=[membership.association_id])))

    assert "Indiquez ce que l'association doit corriger." in page(refused)
    assert Association.objects.get(pk=membership.association_id).status == "changes_requested"
    assert "Le RIB ne correspond pas à l'attestation." in seen


def test_only_staff_see_the_verification_queue(client, member):
    client.force_login(member)

    assert client.get(reverse("associations:verification_queue")).status_code == 404
    assert (
        client.get(
            reverse("associations:verification", args=[member.memberships.get().association_id])
        ).status_code
        == 404
    )


def test_a_member_who_is_not_president_cannot_edit_or_invite(client):
    membership = MembershipFactory(role="member")
    client.force_login(membership.user)

    edit = client.get(reverse("associations:edit", args=[membership.association_id]))
    invite = client.post(
        reverse("associations:invite", args=[membership.association_id]),
        {"email": "x@asso.ma", "role": "member"},
    )

    assert (edit.status_code, invite.status_code) == (403, 403)
    assert not Invitation.objects.exists()


def test_changing_the_rib_of_a_verified_association_sends_it_back_for_verification(client, member):
    association = member.memberships.get().association
    client.force_login(member)
    new_rib = "0117800000999999999999" + rib_key("0117800000999999999999")
    data = _profile(association.commune, name_fr=association.name_fr, rib=new_rib)
    data["registration_number"] = association.registration_number

    client.post(reverse("associations:edit", args=[association.pk]), data)

    association.refresh_from_db()
    assert (association.rib, association.status) == (new_rib, "pending")


def test_a_president_invites_a_member_who_accepts(client, django_capture_on_commit_callbacks):
    president = MembershipFactory()
    invited = UserFactory(email="nadia@asso.ma")
    client.force_login(president.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("associations:invite", args=[president.association_id]),
            {"email": "Nadia@asso.ma", "role": "treasurer"},
        )
    invitation = Invitation.objects.get()
    stranger = UserFactory()
    client.force_login(stranger)
    not_for_them = client.get(reverse("associations:accept", args=[invitation.token]))
    client.force_login(invited)
    client.post(reverse("associations:accept", args=[invitation.token]))

    assert invitation.token in mail.outbox[0].body
    assert mail.outbox[0].bcc == ["nadia@asso.ma"]
    assert not_for_them.status_code == 404
    assert Membership.objects.get(user=invited).role == "treasurer"
    assert (
        client.get(reverse("associations:detail", args=[president.association_id])).status_code
        == 200
    )


def test_a_user_can_belong_to_several_associations(client):
    user = UserFactory()
    first = MembershipFactory(user=user).association
    second = MembershipFactory(user=user, role="member").association
    client.force_login(user)

    listing = page(client.get(reverse("associations:mine")))

    assert first.name_fr in listing
    assert second.name_fr in listing
