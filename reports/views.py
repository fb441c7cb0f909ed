"""Bilans (request, progress, download), the dashboard, public statistics and open data."""

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from calls.models import Call, Programme
from portal.files import serve_file
from portal.filters import FilterForm, TextField, YearField
from portal.lists import PER_PAGE
from portal.permissions import require_perm_or_404
from reports import opendata, published, selectors, statistics
from reports.bilan import build_bilan
from reports.forms import BilanRequestForm
from reports.models import ReportJob
from reports.services import bilan_filename, report_request


@login_required
@require_http_methods(["GET", "POST"])
def bilans(request):
    require_perm_or_404(request, "reports.view_bilans")
    form = BilanRequestForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        job, reused = report_request(
            user=request.user,
            programme=form.cleaned_data["programme"],
            call=form.cleaned_data["call"],
            year_from=None if form.cleaned_data["call"] else form.cleaned_data["year_from"],
            year_to=None if form.cleaned_data["call"] else form.cleaned_data["year_to"],
            language=form.cleaned_data["language"],
            fmt=form.cleaned_data["format"],
            request=request,
        )
        if reused:
            messages.info(request, _("The data has not changed: here is the same bilan."))
        return redirect("reports:job", pk=job.pk)
    page = Paginator(selectors.bilan_jobs(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/bilans.html",
        {"form": form, "jobs": page.object_list, "page": page, "query": ""},
    )


def _job(request, pk):
    require_perm_or_404(request, "reports.view_bilans")
    return get_object_or_404(selectors.bilan_jobs_with_scope(), pk=pk)


@login_required
@require_GET
def job(request, pk):
    return render(request, "reports/job.html", {"job": _job(request, pk)})


@login_required
@require_GET
def job_progress(request, pk):
    """The progress fragment the job page polls (htmx) until the file is ready."""
    return render(request, "reports/_job_progress.html", {"job": _job(request, pk)})


@login_required
@require_GET
def job_download(request, pk):
    report = _job(request, pk)
    if report.status != ReportJob.Status.DONE or not report.file:
        raise Http404
    content_type = (
        "application/pdf"
        if report.format == ReportJob.Format.PDF
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return serve_file(report.file, filename=bilan_filename(report), content_type=content_type)


@login_required
@require_GET
def dashboard(request):
    """The bilan's tables and charts for a programme's edition or a range of years, with the
    money awarded, paid and remaining, beneficiaries by public and sex, and conventions by
    partner type and year."""
    require_perm_or_404(request, "reports.view_bilans")
    programmes = selectors.programmes()
    calls = selectors.published_calls()
    chosen = DashboardFilterForm(request.GET).cleaned_or_400()
    programme = chosen["programme"] or "migrants-refugies"
    edition = chosen["edition"]
    year_from, year_to = chosen["from"], chosen["to"]
    bilan = None
    error = ""
    try:
        if year_from and year_to and not edition:
            if year_from > year_to:
                raise ValueError(_("The first year comes after the last one."))
            bilan = build_bilan(
                programme=programme,
                year_from=year_from,
                year_to=year_to,
                language=request.LANGUAGE_CODE,
            )
        else:
            if not edition:
                first = selectors.first_call_of(calls, programme)
                edition = first.edition if first else ""
            if edition:
                bilan = build_bilan(
                    programme=programme, edition=edition, language=request.LANGUAGE_CODE
                )
    except (Programme.DoesNotExist, Call.DoesNotExist):
        error = _("No such programme or edition.")
    except ValueError as problem:
        error = str(problem)
    return render(
        request,
        "reports/dashboard.html",
        {
            "programmes": programmes,
            "calls": calls,
            "programme": programme,
            "edition": edition,
            "year_from": year_from,
            "year_to": year_to,
            "bilan": bilan,
            "error": error,
            "money": selectors.grants_money(programme=programme),
            "beneficiaries": selectors.beneficiaries_by_public(programme=programme),
            "conventions": statistics.conventions_by_partner_type(),
        },
    )


class DashboardFilterForm(FilterForm):
    programme = TextField(max_length=50)
    edition = TextField(max_length=20)
    # "from" and "to" are Python keywords: declared below.


DashboardFilterForm.base_fields["from"] = YearField()
DashboardFilterForm.base_fields["to"] = YearField()


@require_GET
def public_statistics(request):
    """Published figures and the portal's own, for everyone; no personal data."""
    rows = []
    for source in published.load_bilans():
        try:
            computed = statistics.domain_table(programme=source.programme, edition=source.edition)
        except Call.DoesNotExist:
            computed = None
        rows.append((source, computed))
    return render(
        request,
        "reports/public.html",
        {
            "bilans": rows,
            "thematic": published.load_thematic(),
            "institutional": published.load_institutional(),
            "findings": published.check_internal_consistency(),
        },
    )


@require_GET
def opendata_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="projets-finances.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in opendata.csv_rows():
        writer.writerow(row)
    return response


@require_GET
def opendata_json(request):
    response = HttpResponse(
        json.dumps(opendata.grants_360(), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="projets-finances-360giving.json"'
    return response
