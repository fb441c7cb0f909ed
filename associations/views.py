"""The association's side (profile, documents, members) and the staff's verification queue.

A user sees only the associations they belong to: anything else is a 404. Actions that manage
the association (profile, members, verification request) are for its president: 403 otherwise.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations import selectors, services
from associations.forms import (
    AssociationDocumentForm,
    AssociationForm,
    InvitationForm,
    VerificationForm,
)
from associations.models import (
    Association,
    AssociationDocument,
    Membership,
)
from portal.files import serve_file
from portal.filters import IdField
from portal.forms import errors_as_messages
from portal.permissions import require_perm_or_404
from portal.roles import is_staff_officer
from portal.workflow import IllegalTransition, StaleState, history


def membership_or_404(request, pk) -> Membership:
    return get_object_or_404(
        selectors.memberships_with_association(),
        association_id=pk,
        user=request.user,
    )


def managed_association(request, pk) -> Association:
    membership = membership_or_404(request, pk)
    if membership.role not in Membership.managing_roles:
        raise PermissionDenied(_("Only the association's president can do this."))
    return membership.association


@login_required
@require_GET
def mine(request):
    memberships = selectors.memberships_of(request.user)
    invitations = selectors.pending_invitations_for(request.user)
    return render(
        request,
        "associations/mine.html",
        {"memberships": memberships, "invitations": invitations},
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    form = AssociationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        association = services.create_association(form=form, user=request.user)
        messages.success(
            request,
            _("The association is created. Add its documents, then ask the ministry to verify it."),
        )
        return redirect("associations:detail", association.pk)
    return render(request, "associations/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    association = managed_association(request, pk)
    form = AssociationForm(request.POST or None, instance=association)
    if request.method == "POST" and form.is_valid():
        was_verified = association.is_verified
        association = services.update_association(form=form, user=request.user)
        if was_verified and not association.is_verified:
            messages.warning(
                request,
                _("The changes are saved; the ministry will verify them again."),
            )
        else:
            messages.success(request, _("The changes are saved."))
        return redirect("associations:detail", association.pk)
    return render(request, "associations/form.html", {"form": form, "association": association})


@login_required
@require_GET
def detail(request, pk):
    membership = membership_or_404(request, pk)
    association = membership.association
    manages = membership.role in Membership.managing_roles
    return render(
        request,
        "associations/detail.html",
        {
            "association": association,
            "membership": membership,
            "manages": manages,
            "documents": selectors.association_documents(association),
            "members": selectors.association_members(association),
            "invitations": selectors.association_pending_invitations(association),
            "history": history(association),
            "today": timezone.localdate(),
            "document_form": AssociationDocumentForm(),
            "invitation_form": InvitationForm(association=association),
            "can_submit": manages
            and association.status
            in {Association.Status.DRAFT, Association.Status.CHANGES_REQUESTED},
        },
    )


@login_required
@require_POST
def submit(request, pk):
    association = managed_association(request, pk)
    if not association.documents.exists():
        messages.error(
            request, _("Add the association's documents before asking for verification.")
        )
        return redirect("associations:detail", pk)
    try:
        services.submit_for_verification(association=association, user=request.user)
    except (IllegalTransition, StaleState) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The ministry will verify the association."))
    return redirect("associations:detail", pk)


@login_required
@require_POST
def document_upload(request, pk):
    membership = membership_or_404(request, pk)
    association = membership.association
    form = AssociationDocumentForm(request.POST, request.FILES)
    already = association.documents.count()
    if form.is_valid() and already >= _max_files():
        form.add_error("file", _("At most %(count)d files can be attached.") % {"count": already})
    if form.is_valid():
        services.add_document(form=form, association=association, user=request.user)
        messages.success(request, _("The document is added."))
        return redirect("associations:detail", pk)
    errors_as_messages(request, form)
    return redirect("associations:detail", pk)


def _max_files() -> int:
    return settings.UPLOAD_MAX_FILES


def _document_for(request, pk, document_pk) -> AssociationDocument:
    if is_staff_officer(request.user):
        return get_object_or_404(AssociationDocument, pk=document_pk, association_id=pk)
    membership_or_404(request, pk)
    return get_object_or_404(AssociationDocument, pk=document_pk, association_id=pk)


@login_required
@require_GET
def document_download(request, pk, document_pk):
    document = _document_for(request, pk, document_pk)
    return serve_file(
        document.file,
        filename=document.original_name,
        content_type=document.content_type,
        request=request,
        document=document,
    )


@login_required
@require_POST
def document_delete(request, pk, document_pk):
    association = managed_association(request, pk)
    document = get_object_or_404(AssociationDocument, pk=document_pk, association=association)
    if association.is_verified:
        raise PermissionDenied(_("A verified association's documents can only be added to."))
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: document.file.delete(save=False))
    messages.success(request, _("The document is removed."))
    return redirect("associations:detail", pk)


@login_required
@require_POST
def invite(request, pk):
    association = managed_association(request, pk)
    form = InvitationForm(request.POST, association=association)
    if form.is_valid():
        services.invite(
            association=association,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            user=request.user,
        )
        messages.success(
            request,
            _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
    else:
        errors_as_messages(request, form)
    return redirect("associations:detail", pk)


@login_required
@require_http_methods(["GET", "POST"])
def accept(request, token):
    invitation = get_object_or_404(selectors.open_invitations(), token=token)
    if invitation.email.lower() != request.user.email.lower():
        raise Http404
    if request.method == "POST":
        services.accept_invitation(invitation=invitation, user=request.user)
        messages.success(
            request,
            _("You are now a member of %(name)s.") % {"name": invitation.association.name},
        )
        return redirect("associations:detail", invitation.association_id)
    return render(request, "associations/accept.html", {"invitation": invitation})


class LookupForm(forms.Form):
    """The cascade's parameter; anything but an identifier gives no options."""

    region = IdField()
    province = IdField()


@require_GET
def provinces(request):
    """Options of the province list for a region (the cascade, fetched by htmx)."""
    lookup = LookupForm(request.GET)
    region = lookup.cleaned_data.get("region") if lookup.is_valid() else None
    options = selectors.provinces_of(region)
    return render(request, "associations/_options.html", {"options": options})


@require_GET
def communes(request):
    lookup = LookupForm(request.GET)
    province = lookup.cleaned_data.get("province") if lookup.is_valid() else None
    options = selectors.communes_of(province)
    return render(request, "associations/_options.html", {"options": options, "optional": True})


# --- Staff ----------------------------------------------------------------------------------


@login_required
@require_GET
def verification_queue(request):
    require_perm_or_404(request, "associations.verify")
    status = request.GET.get("status") or Association.Status.PENDING
    if status not in Association.Status.values:
        status = Association.Status.PENDING
    associations = selectors.associations_to_verify(status)
    counts = selectors.association_counts_by_status()
    return render(
        request,
        "associations/queue.html",
        {
            "associations": associations,
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in Association.Status.choices
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verification(request, pk):
    require_perm_or_404(request, "associations.verify")
    association = get_object_or_404(selectors.associations_for_verification(), pk=pk)
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        message = form.cleaned_data["message"].strip()
        try:
            if form.cleaned_data["decision"] == VerificationForm.VERIFY:
                services.verify(association=association, user=request.user, message=message)
                messages.success(request, _("The association is verified."))
            else:
                services.request_changes(
                    association=association, user=request.user, message=message
                )
                messages.success(request, _("The association was asked for corrections."))
        except (IllegalTransition, StaleState) as error:
            messages.error(request, str(error))
        return redirect("associations:verification_queue")
    return render(
        request,
        "associations/verification.html",
        {"association": association, "form": form, "history": history(association)},
    )
