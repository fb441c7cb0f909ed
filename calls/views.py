"""Public pages of the calls for projects: the list with filters, and each call's page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from calls import selectors
from calls.forms import CallFilterForm
from calls.models import Call
from portal.files import serve_file
from portal.pdf import render_pdf

STATES = ("open", "upcoming", "closed")


@require_GET
def call_list(request):
    now = timezone.now()
    form = CallFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    by_state = selectors.public_calls_by_state(
        now=now, programme=chosen.get("programme"), domain=chosen.get("domain")
    )
    state = request.GET.get("state") if request.GET.get("state") in STATES else "open"
    counts = {name: queryset.count() for name, queryset in by_state.items()}
    shown = selectors.listed_calls(by_state[state], state=state)
    page = Paginator(shown, 20).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    for key in ("state", "page"):
        filters.pop(key, None)
    return render(
        request,
        "calls/list.html",
        {
            "form": form,
            "state": state,
            "counts": counts,
            "page": page,
            "now": now,
            "filters": filters.urlencode(),
            "query": f"state={state}&{filters.urlencode()}",
        },
    )


def _public_call(programme: str, edition: str) -> Call:
    return get_object_or_404(
        selectors.public_calls(),
        programme__code=programme,
        edition=edition,
    )


@require_GET
def call_detail(request, programme: str, edition: str):
    call = selectors.call_with_details(_public_call(programme, edition).pk)
    domains = list(call.call_domains.all())
    return render(
        request,
        "calls/detail.html",
        {
            "call": call,
            "domains": domains,
            "total_envelope": sum((d.envelope for d in domains), 0),
            "accepting": call.is_accepting(),
            "upcoming": call.opens_at is not None and call.opens_at > timezone.now(),
            "upload_limit": settings.UPLOAD_MAX_BYTES,
        },
    )


@require_GET
def specifications(request, programme: str, edition: str):
    """The cahier des charges: the file the ministry uploaded, or, until it does, one written
    from the call's own data (domains, caps, documents, criteria, dates)."""
    call = _public_call(programme, edition)
    filename = f"cahier-des-charges-{call.programme.code}-{call.edition}.pdf"
    if call.specifications:
        return serve_file(call.specifications, filename=filename, content_type="application/pdf")
    call = selectors.call_with_details(call.pk)
    content = render_pdf(
        "calls/specifications_pdf.html",
        {"call": call, "domains": list(call.call_domains.all())},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
