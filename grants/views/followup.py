"""Funded projects: the list and dashboard for the ministry, each grant's page with its
convention, tranches, reports, visits and audits, and the association's reports."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grants import selectors
from grants.columns import GRANTS
from grants.conventions import convention_pdf
from grants.filters import GrantFilter
from grants.forms.followup import (
    AuditForm,
    CancelForm,
    NoteForm,
    PaymentForm,
    ReasonForm,
    RecommendationForm,
    ReportForm,
    ReportReviewForm,
    SignForm,
    VisitForm,
)
from grants.models import (
    Audit,
    AuditRecommendation,
    FieldVisitFile,
    Grant,
    GrantReport,
    Tranche,
)
from grants.permissions.followup import readable_grant, require
from grants.services import followup as services
from grants.services.followup import FollowUpError
from portal.files import serve_file, validate_upload, validate_upload_count
from portal.forms import errors_as_messages, perform
from portal.lists import render_list
from portal.workflow import IllegalTransition, StaleState, history

REFUSED = (FollowUpError, IllegalTransition, StaleState)
act = partial(perform, refused=REFUSED)


@login_required
@require_GET
def grant_list(request):
    """Every grant with what was paid and what remains, and what needs attention; filtered by
    state, programme, region and year, exported as CSV or XLSX."""
    require(request, "grants.view_followup")
    filterset = GrantFilter(request.GET, selectors.funded_grants())
    return render_list(
        request,
        filterset,
        columns=GRANTS,
        filename="subventions",
        template="grants/followup/list.html",
        context=lambda grants: {
            "status": filterset.chosen["status"],
            "statuses": Grant.Status.choices,
            "programmes": selectors.programmes(),
            "regions": selectors.regions(),
            "totals": selectors.grant_totals(grants),
            **_overdue_panel(timezone.localdate()),
        },
    )


OVERDUE_SHOWN = 50


def _overdue_panel(today) -> dict:
    """Every overdue report counted; the first ``OVERDUE_SHOWN`` listed, with how many more."""
    reports = selectors.overdue_reports(today)
    count = reports.count()
    shown = list(reports[:OVERDUE_SHOWN])
    return {"overdue": shown, "overdue_count": count, "overdue_more": count - len(shown)}


@login_required
@require_GET
def grant_detail(request, pk):
    grant = readable_grant(request, pk)
    staff = request.user.has_perm("grants.run_followup")
    convention = getattr(grant, "convention", None)  # conventions.Convention.grant, or none
    today = timezone.localdate()
    tranches = selectors.grant_tranches(grant)
    return render(
        request,
        "grants/followup/detail.html",
        {
            "grant": grant,
            "application": grant.application,
            "convention": convention,
            "tranches": tranches,
            "committed": sum(
                (t.amount for t in tranches if t.status == Tranche.Status.RELEASED), 0
            ),
            "reports": selectors.grant_reports(grant, today=today),
            "visits": selectors.grant_visits(grant),
            "audits": selectors.grant_audits(grant),
            "history": history(grant),
            "staff": staff,
            "today": today,
            "closure_problems": services.closure_problems(grant),
            "forms": {
                "sign": SignForm(),
                "payment": PaymentForm(initial={"paid_on": timezone.localdate()}),
                "review": ReportReviewForm(),
                "visit": VisitForm(initial={"visited_on": timezone.localdate()}),
                "audit": AuditForm(initial={"started_on": timezone.localdate()}),
                "recommendation": RecommendationForm(),
                "note": NoteForm(),
                "reason": ReasonForm(),
                "cancel": CancelForm(),
            }
            if staff
            else {},
        },
    )


def _staff_grant(request, pk) -> Grant:
    """The grant for a staff officer to act on; 403 for those who may only read it (managers,
    its association), 404 for everyone else."""
    if request.user.has_perm("grants.run_followup"):
        return get_object_or_404(Grant, pk=pk)
    readable_grant(request, pk)
    raise PermissionDenied


def _back(grant):
    return redirect("grants:grant", grant.pk)


@login_required
@require_POST
def prepare(request, pk):
    grant = _staff_grant(request, pk)
    services.prepare_grant(grant, by=request.user)
    messages.success(request, _("The convention and the schedule are ready."))
    return _back(grant)


@login_required
@require_POST
def sign(request, pk):
    grant = _staff_grant(request, pk)
    act(
        request,
        lambda data: services.sign(
            grant, signed_on=data["signed_on"], scan=data["scan"], by=request.user
        ),
        form=SignForm(request.POST, request.FILES),
        success=_("The convention is signed; the grant is active."),
    )
    return _back(grant)


@login_required
@require_POST
def tranche_release(request, pk, tranche_pk):
    grant = _staff_grant(request, pk)
    tranche = get_object_or_404(Tranche, pk=tranche_pk, grant=grant)
    act(
        request,
        lambda _data: services.release(tranche, by=request.user),
        success=_("The tranche is released for payment."),
    )
    return _back(grant)


@login_required
@require_POST
def tranche_pay(request, pk, tranche_pk):
    grant = _staff_grant(request, pk)
    tranche = get_object_or_404(Tranche, pk=tranche_pk, grant=grant)
    act(
        request,
        lambda data: services.pay(
            tranche, paid_on=data["paid_on"], reference=data["reference"], by=request.user
        ),
        form=PaymentForm(request.POST),
        success=_("The payment is recorded."),
    )
    return _back(grant)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk, report_pk):
    """The association writes and sends its report; everyone who may read the grant reads it."""
    grant = readable_grant(request, pk)
    report = get_object_or_404(GrantReport, pk=report_pk, grant=grant)
    is_member = selectors.is_member(grant.application.association, request.user)
    editable = is_member and report.status in {
        GrantReport.Status.EXPECTED,
        GrantReport.Status.CORRECTIONS,
    }
    domain = grant.application.call_domain.domain if grant.application.call_domain_id else None
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        publics=domain.target_publics.all() if domain else [],
        budget_lines=grant.application.budget_lines.all(),
    )
    if request.method == "POST":
        if not editable:
            raise Http404
        files = [f for key, f in request.FILES.items() if key.startswith("receipt_")]
        try:
            validate_upload_count(files)
        except ValidationError as error:
            form.add_error(None, error)
        if form.is_valid():
            try:
                services.submit_report(
                    report,
                    activities_done=form.cleaned_data["activities_done"],
                    difficulties=form.cleaned_data["difficulties"],
                    beneficiaries=form.beneficiaries(),
                    expenses=form.expenses(),
                    by=request.user,
                )
            except REFUSED as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your report is sent to the ministry."))
                return _back(grant)
    return render(
        request,
        "grants/followup/report.html",
        {"grant": grant, "report": report, "form": form, "editable": editable},
    )


@login_required
@require_POST
def report_review(request, pk, report_pk):
    grant = _staff_grant(request, pk)
    report = get_object_or_404(GrantReport, pk=report_pk, grant=grant)
    act(
        request,
        lambda data: services.review_report(
            report,
            accept=request.POST.get("decision") == "accept",
            comment=data["comment"],
            by=request.user,
        ),
        form=ReportReviewForm(request.POST),
        success=_("The report's review is recorded."),
    )
    return _back(grant)


@login_required
@require_GET
def expense_receipt(request, pk, report_pk, expense_pk):
    grant = readable_grant(request, pk)
    report = get_object_or_404(GrantReport, pk=report_pk, grant=grant)
    expense = get_object_or_404(report.expenses, pk=expense_pk)
    return serve_file(
        expense.receipt,
        filename=expense.original_name,
        content_type=expense.content_type,
        request=request,
        document=expense,
    )


@login_required
@require_POST
def visit(request, pk):
    grant = _staff_grant(request, pk)
    form = VisitForm(request.POST)
    files = request.FILES.getlist("files")
    try:
        validate_upload_count(files)
        for upload in files:
            upload.checked = validate_upload(upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(grant)
    act(
        request,
        lambda data: services.record_visit(grant, files=files, by=request.user, **data),
        form=form,
        success=_("The visit is recorded."),
    )
    return _back(grant)


@login_required
@require_GET
def visit_file(request, pk, file_pk):
    grant = readable_grant(request, pk)
    require(request, "grants.view_followup")
    document = get_object_or_404(FieldVisitFile, pk=file_pk, visit__grant=grant)
    return serve_file(
        document.file,
        filename=document.original_name,
        content_type=document.content_type,
        request=request,
        document=document,
    )


@login_required
@require_POST
def audit(request, pk):
    grant = _staff_grant(request, pk)
    act(
        request,
        lambda data: services.open_audit(grant, by=request.user, **data),
        form=AuditForm(request.POST),
        success=_("The audit is recorded."),
    )
    return _back(grant)


@login_required
@require_POST
def audit_action(request, pk, audit_pk):
    grant = _staff_grant(request, pk)
    audit = get_object_or_404(Audit, pk=audit_pk, grant=grant)
    action = request.POST.get("action")
    try:
        if action == "recommend":
            form = RecommendationForm(request.POST)
            if not form.is_valid():
                errors_as_messages(request, form)
                return _back(grant)
            services.add_recommendation(audit, by=request.user, **form.cleaned_data)
        elif action == "close_recommendation":
            recommendation = get_object_or_404(
                AuditRecommendation, pk=request.POST.get("recommendation"), audit=audit
            )
            services.close_recommendation(
                recommendation, note=request.POST.get("note", ""), by=request.user
            )
        elif action == "close":
            services.close_audit(audit, by=request.user)
        else:
            raise Http404
        messages.success(request, _("The audit is updated."))
    except REFUSED as error:
        messages.error(request, str(error))
    return _back(grant)


@login_required
@require_POST
def grant_action(request, pk):
    """Suspend, resume, cancel (with the amount to reimburse) or close a grant."""
    grant = _staff_grant(request, pk)
    action = request.POST.get("action")
    try:
        if action == "suspend":
            services.suspend(grant, reason=request.POST.get("reason", ""), by=request.user)
        elif action == "resume":
            services.resume(grant, by=request.user)
        elif action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                errors_as_messages(request, form)
                return _back(grant)
            services.cancel(
                grant,
                reimbursement=form.cleaned_data["reimbursement"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        elif action == "close":
            services.close(grant, by=request.user)
        else:
            raise Http404
        messages.success(request, _("The grant is updated."))
    except REFUSED as error:
        messages.error(request, str(error))
    return _back(grant)


@login_required
@require_GET
def convention_file(request, pk, which):
    """The convention as generated (French, the signed text's language), in Arabic on request
    (``?lang=ar``, for reading), or the signed scan."""
    grant = readable_grant(request, pk)
    convention = getattr(grant, "convention", None)
    if convention is None:
        raise Http404
    field = {"pdf": convention.generated_pdf, "signe": convention.signed_scan}.get(which)
    if field is None:
        raise Http404
    language = request.GET.get("lang")
    if which == "pdf" and (not field or language in {"ar", "en"}):
        suffix = f"-{language}" if language in {"ar", "en"} else ""
        response = HttpResponse(
            convention_pdf(grant, language=language or "fr"), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{convention.reference}{suffix}.pdf"'
        )
        return response
    suffix = "-signee" if which == "signe" else ""
    return serve_file(
        field,
        filename=f"{convention.reference}{suffix}.pdf",
        content_type="application/pdf",
        request=request,
        document=convention,
    )
