"""The conventions register: every partnership the ministry signs, with filters, counts by
partner type, and each convention's page with its parties, timeline and attachments.

For the ministry's readers (staff, managers, administrators); a grant convention is also shown
to its association on the grant's page."""

import datetime as dt
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from conventions import selectors
from conventions.columns import CONVENTIONS
from conventions.filters import ConventionFilter
from conventions.models import (
    Amendment,
    CommitteeMeeting,
    Convention,
    ConventionAttachment,
)
from portal.files import serve_file
from portal.lists import render_list
from portal.permissions import require_perm_or_404


@login_required
@require_GET
def convention_list(request):
    require_perm_or_404(request, "conventions.view_register")
    filterset = ConventionFilter(request.GET, selectors.register())
    return render_list(
        request,
        filterset,
        columns=CONVENTIONS,
        filename="conventions",
        template="conventions/list.html",
        page_rows=selectors.in_register_order,
        export_rows=selectors.with_parties,
        context=lambda conventions: {
            "chosen": filterset.chosen,
            "by_type": selectors.counts_by_partner_type(conventions),
            "kinds": Convention.Kind.choices,
            "statuses": Convention.Status.choices,
            "partner_types": selectors.partner_types(),
            "regions": selectors.regions(),
            "years": selectors.register_years(),
            "can_add": request.user.is_staff
            and request.user.has_perm("conventions.add_convention"),
        },
    )


@login_required
@require_GET
def convention_detail(request, pk):
    require_perm_or_404(request, "conventions.view_register")
    convention = get_object_or_404(selectors.conventions_with_details(), pk=pk)
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
    require_perm_or_404(request, "conventions.view_register")
    document = get_object_or_404(ConventionAttachment, pk=attachment_pk, convention_id=pk)
    return serve_file(
        document.file,
        filename=document.original_name,
        content_type=document.content_type,
        request=request,
        document=document,
    )


@login_required
@require_GET
def meeting_minutes(request, pk, meeting_pk):
    require_perm_or_404(request, "conventions.view_register")
    meeting = get_object_or_404(CommitteeMeeting, pk=meeting_pk, convention_id=pk)
    return serve_file(
        meeting.minutes,
        filename=Path(meeting.minutes.name).name,
        request=request,
        document=meeting,
    )


@login_required
@require_GET
def amendment_file(request, pk, amendment_pk):
    require_perm_or_404(request, "conventions.view_register")
    amendment = get_object_or_404(Amendment, pk=amendment_pk, convention_id=pk)
    return serve_file(
        amendment.file,
        filename=Path(amendment.file.name).name,
        request=request,
        document=amendment,
    )
