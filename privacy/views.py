"""A person's personal data (download, erasure request) and the staff's erasure requests."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.roles import is_staff_officer
from privacy import selectors, services
from privacy.models import ErasureRequest


@login_required
@require_GET
def mine(request):
    """The person's page: the notice, their consents, the download and the erasure request."""
    user = request.user
    return render(
        request,
        "privacy/mine.html",
        {
            "consents": user.consents.all(),
            "requests": selectors.erasure_requests_of(user),
            "kept": services.kept_items(user),
        },
    )


@login_required
@require_GET
def export(request):
    data = services.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = f"donnees-personnelles-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def request_erasure(request):
    services.request_erasure(request.user)
    messages.success(
        request,
        _(
            "Your request for erasure was sent to the ministry. The list below says what it "
            "will keep and why."
        ),
    )
    return redirect("privacy:mine")


def _staff_only(request) -> None:
    if not is_staff_officer(request.user):
        raise Http404


@login_required
@require_GET
def requests(request):
    _staff_only(request)
    return render(
        request,
        "privacy/requests.html",
        {"requests": selectors.erasure_requests()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, pk: int):
    _staff_only(request)
    erasure = get_object_or_404(selectors.erasure_requests_with_user(), pk=pk)
    if request.method == "POST":
        if erasure.status == ErasureRequest.Status.PENDING:
            services.carry_out_erasure(erasure, by=request.user)
            messages.success(request, _("The erasure was carried out."))
        return redirect("privacy:request", pk=erasure.pk)
    pending = erasure.status == ErasureRequest.Status.PENDING
    return render(
        request,
        "privacy/request.html",
        {
            "erasure": erasure,
            "kept": services.kept_items(erasure.user) if pending else erasure.kept,
            "history": erasure.status_history,
        },
    )
