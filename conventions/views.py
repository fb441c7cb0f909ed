"""The conventions register: every partnership the ministry signs, with filters, counts by
partner type, and each convention's page with its parties, timeline and attachments.

For the ministry's readers (staff, managers, administrators); a grant convention is also shown
to its association on the grant's page."""

import datetime as dt
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from associations.models import Region
from conventions.models import (
    Amendment,
    CommitteeMeeting,
    Convention,
    ConventionAttachment,
    ConventionParty,
    PartnerType,
)
from portal.files import serve_file
from portal.filters import FilterForm, IdField, TextField, YearField, choices_of
from portal.roles import is_ministry_reader
from portal.spreadsheets import table_response


def _readers_only(request):
    if not is_ministry_reader(request.user):
        raise Http404


class ConventionFilterForm(FilterForm):
    kind = forms.ChoiceField(choices=choices_of(Convention.Kind.values), required=False)
    partner_type = IdField()
    year = YearField()
    status = forms.ChoiceField(choices=choices_of(Convention.Status.values), required=False)
    region = IdField()
    q = TextField()


def _filters(request):
    """The chosen filters, as the template shows them back ("" when not chosen)."""
    data = ConventionFilterForm(request.GET).cleaned_or_400()
    return {key: "" if value is None else str(value) for key, value in data.items()}


@login_required
@require_GET
def convention_list(request):
    _readers_only(request)
    chosen = _filters(request)
    conventions = Convention.objects.select_related("partner_type")
    if chosen["kind"]:
        conventions = conventions.filter(kind=chosen["kind"])
    if chosen["partner_type"]:
        conventions = conventions.filter(partner_type_id=chosen["partner_type"])
    if chosen["year"]:
        conventions = conventions.filter(year=chosen["year"])
    if chosen["status"]:
        conventions = conventions.filter(status=chosen["status"])
    if chosen["region"]:
        conventions = conventions.filter(
            Q(regions=chosen["region"]) | Q(partner_communes__region=chosen["region"])
        ).distinct()
    if chosen["q"]:
        conventions = conventions.filter(
            Q(reference__icontains=chosen["q"])
            | Q(title_fr__icontains=chosen["q"])
            | Q(objective__icontains=chosen["q"])
            | Q(parties__partner__name_fr__icontains=chosen["q"])
        ).distinct()
    if chosen["export"]:
        return _conventions_table(conventions, chosen["export"])
    by_type = (
        conventions.order_by()
        .values(
            "partner_type__pk",
            "partner_type__name_fr",
            "partner_type__name_ar",
            "partner_type__name_en",
        )
        .annotate(n=Count("pk", distinct=True))
        .order_by("partner_type__order")
    )
    years = (
        Convention.objects.exclude(year=None)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    page = Paginator(conventions.order_by("-year", "reference"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conventions/list.html",
        {
            "page": page,
            "chosen": chosen,
            "by_type": by_type,
            "total": page.paginator.count,
            "kinds": Convention.Kind.choices,
            "statuses": Convention.Status.choices,
            "partner_types": PartnerType.objects.all(),
            "regions": Region.objects.all(),
            "years": years,
            "query": query.urlencode(),
            "can_add": request.user.is_staff
            and request.user.has_perm("conventions.add_convention"),
        },
    )


def _conventions_table(conventions, fmt):
    conventions = conventions.order_by("-year", "reference").prefetch_related(
        Prefetch("parties", ConventionParty.objects.select_related("partner"))
    )
    return table_response(
        "conventions",
        [
            _("Reference"),
            _("Title"),
            _("Kind"),
            _("Partner type"),
            _("Parties"),
            _("Year"),
            _("Signed on"),
            _("Ends on"),
            _("Amount"),
            _("Currency"),
            _("State"),
        ],
        (
            [
                convention.reference,
                convention.title_fr,
                convention.get_kind_display(),
                convention.partner_type.name_fr if convention.partner_type_id else "",
                ", ".join(party.partner.name_fr for party in convention.parties.all()),
                convention.year,
                convention.signed_on,
                convention.ends_on,
                convention.amount,
                convention.currency,
                convention.get_status_display(),
            ]
            for convention in conventions
        ),
        fmt=fmt,
    )


@login_required
@require_GET
def convention_detail(request, pk):
    _readers_only(request)
    convention = get_object_or_404(
        Convention.objects.select_related("partner_type", "programme", "grant").prefetch_related(
            Prefetch("parties", ConventionParty.objects.select_related("partner__partner_type")),
            Prefetch("amendments", Amendment.objects.order_by("number")),
            Prefetch("meetings", CommitteeMeeting.objects.order_by("held_on")),
            "partner_communes__region",
            "target_publics",
            "regions",
            Prefetch("attachments", ConventionAttachment.objects.order_by("-uploaded_at")),
        ),
        pk=pk,
    )
    return render(
        request,
        "conventions/detail.html",
        {
            "convention": convention,
            "timeline": _timeline(convention),
            "today": timezone.localdate(),
            "can_edit": request.user.is_staff
            and request.user.has_perm("conventions.change_convention"),
        },
    )


def _timeline(convention) -> list[dict]:
    """Signature, amendments, committee meetings (past and coming) and the end, by date; each
    entry with the file to download, if any."""
    entries = []
    if convention.signed_on:
        entries.append(
            {"on": convention.signed_on, "what": "signature", "detail": convention.place}
        )
    for amendment in convention.amendments.all():
        entries.append(
            {
                "on": amendment.signed_on,
                "what": "amendment",
                "detail": amendment.subject,
                "new_end": amendment.new_end_date,
                "file": amendment.file
                and reverse("conventions:amendment_file", args=[convention.pk, amendment.pk]),
            }
        )
    for meeting in convention.meetings.all():
        entries.append(
            {
                "on": meeting.held_on,
                "what": "meeting",
                "detail": " — ".join(
                    filter(None, [meeting.get_kind_display(), meeting.place, meeting.summary])
                ),
                "file": meeting.minutes
                and reverse("conventions:meeting_minutes", args=[convention.pk, meeting.pk]),
            }
        )
    if convention.ends_on:
        entries.append({"on": convention.ends_on, "what": "end", "detail": ""})
    entries.sort(key=lambda entry: (entry["on"] is None, entry["on"] or dt.date.min))
    return entries


@login_required
@require_GET
def attachment(request, pk, attachment_pk):
    _readers_only(request)
    document = get_object_or_404(ConventionAttachment, pk=attachment_pk, convention_id=pk)
    return serve_file(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@login_required
@require_GET
def meeting_minutes(request, pk, meeting_pk):
    _readers_only(request)
    meeting = get_object_or_404(CommitteeMeeting, pk=meeting_pk, convention_id=pk)
    return serve_file(meeting.minutes, filename=Path(meeting.minutes.name).name)


@login_required
@require_GET
def amendment_file(request, pk, amendment_pk):
    _readers_only(request)
    amendment = get_object_or_404(Amendment, pk=amendment_pk, convention_id=pk)
    return serve_file(amendment.file, filename=Path(amendment.file.name).name)
