"""Public pages of the calls for projects: the list with filters, and each call's page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from calls.forms import CallFilterForm
from calls.models import FAQ, Call, CallDomain, Criterion, RequiredDocument
from portal.files import serve_file
from portal.pdf import render_pdf

STATES = ("open", "upcoming", "closed")


def _listed(queryset):
    return (
        queryset.select_related("programme")
        .annotate(total_envelope=Sum("call_domains__envelope"), domain_count=Count("call_domains"))
        .order_by("closes_at", "-year")
    )


@require_GET
def call_list(request):
    now = timezone.now()
    form = CallFilterForm(request.GET or None)
    calls = Call.objects.public()
    if form.is_valid():
        if programme := form.cleaned_data.get("programme"):
            calls = calls.filter(programme=programme)
        if domain := form.cleaned_data.get("domain"):
            calls = calls.filter(call_domains__domain=domain)
    state = request.GET.get("state") if request.GET.get("state") in STATES else "open"
    by_state = {
        "open": calls.accepting(now),
        "upcoming": calls.upcoming(now),
        "closed": calls.closed(now),
    }
    counts = {name: queryset.count() for name, queryset in by_state.items()}
    shown = _listed(by_state[state])
    if state == "closed":
        shown = shown.order_by("-closes_at", "-year")
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
        Call.objects.public().select_related("programme"),
        programme__code=programme,
        edition=edition,
    )


@require_GET
def call_detail(request, programme: str, edition: str):
    call = _detailed(_public_call(programme, edition))
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


def _detailed(call: Call) -> Call:
    return (
        Call.objects.filter(pk=call.pk)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "call_domains",
                CallDomain.objects.select_related("domain").prefetch_related(
                    "domain__target_publics"
                ),
            ),
            Prefetch("criteria", Criterion.objects.order_by("order")),
            Prefetch("required_documents", RequiredDocument.objects.order_by("order")),
            Prefetch("faqs", FAQ.objects.order_by("order")),
        )
        .get()
    )


@require_GET
def specifications(request, programme: str, edition: str):
    """The cahier des charges: the file the ministry uploaded, or, until it does, one written
    from the call's own data (domains, caps, documents, criteria, dates)."""
    call = _public_call(programme, edition)
    filename = f"cahier-des-charges-{call.programme.code}-{call.edition}.pdf"
    if call.specifications:
        return serve_file(call.specifications, filename=filename, content_type="application/pdf")
    call = _detailed(call)
    content = render_pdf(
        "calls/specifications_pdf.html",
        {"call": call, "domains": list(call.call_domains.all())},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
