"""The association's side of applications: the wizard (one step per page, autosaved),
submission and receipts, reopening, withdrawal, answers to complements, and the dashboard.

Every page is for the members of the application's association (404 for anyone else); files
also open for staff and the assigned reviewers.
"""

import logging
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from associations.models import Association, Membership
from calls.models import Call
from grants.forms.apply import (
    BudgetLineFormSet,
    CoFunderFormSet,
    ComplementAnswerForm,
    DocumentUploadForm,
    DomainStepForm,
    PlaceStepForm,
    ProjectStepForm,
    RequestedAmountForm,
    WithdrawForm,
)
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationSubmission,
    ComplementFile,
    ComplementRequest,
    Grant,
)
from grants.permissions.apply import can_read_files, member_application
from grants.receipts import ensure_receipt, receipt_filename
from grants.services import apply as services
from grants.services.apply import STEPS, SubmissionRefused
from portal.files import STORAGE_FAILED, serve_file, validate_upload, validate_upload_count
from portal.forms import errors_as_messages
from portal.models import StatusChange
from portal.workflow import IllegalTransition, StaleState, history

STEP_TITLES = {
    "domaine": gettext_lazy("Domain"),
    "projet": gettext_lazy("Project"),
    "lieu": gettext_lazy("Place and beneficiaries"),
    "budget": gettext_lazy("Budget"),
    "documents": gettext_lazy("Documents"),
    "recapitulatif": gettext_lazy("Review and submit"),
}


def _steps(application, current):
    return [
        {"slug": slug, "title": STEP_TITLES[slug], "current": slug == current, "number": n}
        for n, slug in enumerate(STEPS, start=1)
    ]


def _next_step(step: str) -> str:
    return STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]


# --- Starting -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request, call_pk):
    """Choose the association and the domain: the first step, which creates the draft."""
    call = get_object_or_404(Call.objects.public().select_related("programme"), pk=call_pk)
    memberships = list(Membership.objects.filter(user=request.user).select_related("association"))
    if not call.is_accepting():
        messages.error(request, _("This call is not open for applications."))
        return redirect("calls:detail", call.programme.code, call.edition)
    if not memberships:
        messages.info(
            request, _("Register your association first: applications are made in its name.")
        )
        return redirect("associations:create")
    form = DomainStepForm(request.POST or None, call=call)
    association_id = request.POST.get("association") or (
        memberships[0].association_id if len(memberships) == 1 else None
    )
    if request.method == "POST" and form.is_valid():
        membership = next(
            (m for m in memberships if str(m.association_id) == str(association_id)), None
        )
        if membership is None:
            form.add_error(None, _("Choose the association that applies."))
        else:
            application = services.start(
                call=call,
                association=membership.association,
                call_domain=form.cleaned_data["call_domain"],
                user=request.user,
            )
            messages.success(
                request, _("The draft is saved. Go on step by step; every step is kept.")
            )
            return redirect("grants:apply_step", application.pk, "projet")
    return render(
        request,
        "grants/apply/start.html",
        {
            "call": call,
            "form": form,
            "memberships": memberships,
            "association_id": str(association_id or ""),
            "steps": _steps(None, "domaine"),
        },
    )


# --- The steps ------------------------------------------------------------------------------


def _publics(application):
    if not application.call_domain_id:
        return []
    return list(application.call_domain.domain.target_publics.all())


def _place_initial(application):
    initial = {
        "region": application.region_id,
        "province": application.province_id,
        "commune": application.commune_id,
    }
    for row in application.beneficiaries.all():
        initial[f"women_{row.target_public_id}"] = row.women
        initial[f"men_{row.target_public_id}"] = row.men
    return initial


def _budget_forms(application, data=None):
    """The formsets of the budget step: the saved rows, or what was posted (rows as typed)."""
    if data is not None:
        return (
            BudgetLineFormSet(data, prefix="lines"),
            CoFunderFormSet(data, prefix="cofunders"),
        )
    lines = BudgetLineFormSet(
        prefix="lines",
        initial=[
            {
                "category": line.category,
                "label": line.label,
                "total": line.total,
                "association_share": line.association_share,
                "cofunding_share": line.cofunding_share,
            }
            for line in application.budget_lines.all()
        ],
    )
    cofunders = CoFunderFormSet(
        prefix="cofunders",
        initial=[
            {"name": row.name, "amount": row.amount, "confirmed": row.confirmed}
            for row in application.cofunders.all()
        ],
    )
    return lines, cofunders


def _rows(formset, fields, *, partial):
    """The rows to keep: every filled, valid, not deleted row (all must be valid unless partial)."""
    rows = []
    for form in formset.forms:
        if not form.has_changed():  # a blank row left as it was
            continue
        form.is_valid()
        if form.cleaned_data.get("DELETE"):
            continue
        if form.errors:
            if partial:
                continue
            return None
        if form.cleaned_data:
            rows.append({name: form.cleaned_data[name] for name in fields})
    return rows


LINE_FIELDS = ("category", "label", "total", "association_share", "cofunding_share")
COFUNDER_FIELDS = ("name", "amount", "confirmed")


def _save_step(request, application, step, *, partial):
    """Validate and save one step. Returns (saved, context of forms to show again)."""
    data = request.POST
    if step == "domaine":
        form = DomainStepForm(data, call=application.call, partial=partial)
        values = form.valid_data()
        if values.get("call_domain") is not None:
            services.save_fields(application, {"call_domain": values["call_domain"]})
        return form.is_valid(), {"form": form}
    if step == "projet":
        form = ProjectStepForm(data, partial=partial)
        services.save_fields(application, form.valid_data())
        return form.is_valid(), {"form": form}
    if step == "lieu":
        publics = _publics(application)
        form = PlaceStepForm(data, publics=publics, partial=partial)
        values = form.valid_data()
        services.save_fields(
            application,
            {key: values[key] for key in ("region", "province", "commune") if key in values},
        )
        counts = {
            public.pk: (values.get(f"women_{public.pk}"), values.get(f"men_{public.pk}"))
            for public in publics
            if f"women_{public.pk}" in values and f"men_{public.pk}" in values
        }
        services.save_beneficiaries(application, counts)
        return form.is_valid(), {"form": form}
    if step == "budget":
        amount = RequestedAmountForm(data, partial=partial)
        lines, cofunders = _budget_forms(application, data)
        values = amount.valid_data()
        if values.get("requested_amount") is not None:
            services.save_fields(application, {"requested_amount": values["requested_amount"]})
        line_rows = _rows(lines, LINE_FIELDS, partial=partial) if lines.is_bound else []
        cofunder_rows = _rows(cofunders, COFUNDER_FIELDS, partial=partial)
        valid = lines.is_valid() and cofunders.is_valid() and amount.is_valid()
        if line_rows is not None and cofunder_rows is not None and (partial or valid):
            services.save_budget(application, lines=line_rows, cofunders=cofunder_rows)
        return valid, {"form": amount, "lines": lines, "cofunders": cofunders}
    raise Http404


def _step_context(application, step, forms=None):
    forms = forms or {}
    context = {
        "application": application,
        "call": application.call,
        "step": step,
        "steps": _steps(application, step),
        "step_title": STEP_TITLES[step],
    }
    if step == "domaine":
        context["form"] = forms.get("form") or DomainStepForm(
            call=application.call, initial={"call_domain": application.call_domain_id}
        )
    elif step == "projet":
        context["form"] = forms.get("form") or ProjectStepForm(
            initial={
                name: getattr(application, name)
                for name in ("title", "summary", "objectives", "activities", "duration_months")
            }
        )
    elif step == "lieu":
        context["form"] = forms.get("form") or PlaceStepForm(
            publics=_publics(application), initial=_place_initial(application)
        )
    elif step == "budget":
        lines, cofunders = _budget_forms(application)
        context["form"] = forms.get("form") or RequestedAmountForm(
            initial={"requested_amount": application.requested_amount or None}
        )
        context["lines"] = forms.get("lines") or lines
        context["cofunders"] = forms.get("cofunders") or cofunders
        context["totals"] = services.budget_totals(application)
        context["cap"] = application.call_domain.max_grant if application.call_domain_id else None
    elif step == "documents":
        present = defaultdict(list)
        others = []
        for document in application.documents.filter(removed_at=None):
            (
                present[document.required_document_id] if document.required_document_id else others
            ).append(document)
        context["checklist"] = [
            (required, present.get(required.pk, []))
            for required in application.call.required_documents.order_by("order")
        ]
        context["others"] = others
        context["upload_form"] = forms.get("upload_form") or DocumentUploadForm()
    elif step == "recapitulatif":
        context["problems"] = services.problems(application)
        context["totals"] = services.budget_totals(application)
        context["data"] = services.snapshot(application) if application.call_domain_id else None
    return context


@login_required
@require_http_methods(["GET", "POST"])
def step(request, pk, step):
    if step not in STEPS:
        raise Http404
    application = member_application(request, pk)
    if not application.is_editable:
        messages.info(request, _("This application was sent. Reopen it to change it."))
        return redirect("grants:application", pk)
    if request.method == "POST" and step in {"domaine", "projet", "lieu", "budget"}:
        try:
            services.check_open(application)
            with transaction.atomic():
                saved, forms = _save_step(request, application, step, partial=False)
        except SubmissionRefused as refused:
            messages.error(request, refused.problems[0].message)
            return redirect("grants:application", pk)
        if saved:
            target = request.POST.get("go") or _next_step(step)
            if target not in STEPS:
                target = _next_step(step)
            messages.success(request, _("Step saved."))
            return redirect("grants:apply_step", pk, target)
        application.refresh_from_db()
        return render(
            request,
            f"grants/apply/{step}.html",
            _step_context(application, step, forms),
            status=200,
        )
    return render(request, f"grants/apply/{step}.html", _step_context(application, step))


@login_required
@require_POST
def autosave(request, pk, step):
    """Keep whatever is valid of a half-filled step; called by the page as the user types."""
    if step not in {"domaine", "projet", "lieu", "budget"}:
        raise Http404
    application = member_application(request, pk)
    try:
        services.check_open(application)
        with transaction.atomic():
            _save_step(request, application, step, partial=True)
    except SubmissionRefused as refused:
        return JsonResponse({"saved": False, "message": refused.problems[0].message}, status=409)
    now = timezone.localtime()
    return JsonResponse(
        {
            "saved": True,
            "at": now.isoformat(),
            "message": _("Draft saved at %(time)s") % {"time": date_format(now, "TIME_FORMAT")},
        }
    )


# --- Documents ------------------------------------------------------------------------------


@login_required
@require_POST
def document_upload(request, pk):
    application = member_application(request, pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    back = redirect("grants:apply_step", pk, "documents")
    try:
        services.check_open(application)
    except SubmissionRefused as refused:
        messages.error(request, refused.problems[0].message)
        return back
    if not application.is_editable:
        messages.error(request, _("This application was sent. Reopen it to change it."))
        return back
    if form.is_valid():
        required = None
        if form.cleaned_data.get("required_document"):
            required = application.call.required_documents.filter(
                pk=form.cleaned_data["required_document"]
            ).first()
            if required is None:
                raise Http404
        try:
            # the number of files is checked there, under the application's lock
            services.add_document(
                application=application,
                upload=form.cleaned_data["file"],
                required_document=required,
                user=request.user,
            )
        except SubmissionRefused as refused:
            messages.error(request, refused.problems[0].message)
            return back
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return back
        except OSError:  # the storage failed: the transaction left nothing behind
            logging.getLogger(__name__).exception("file of application %s not stored", pk)
            messages.error(request, STORAGE_FAILED)
            application.refresh_from_db()
            return render(
                request,
                "grants/apply/documents.html",
                _step_context(application, "documents", {"upload_form": form}),
            )
        messages.success(
            request,
            _("“%(name)s” is attached.")
            % {"name": form.cleaned_data["file"].checked.original_name},
        )
    else:
        errors_as_messages(request, form)
    return back


def _readable_document(request, pk, document_pk) -> ApplicationDocument:
    document = get_object_or_404(
        ApplicationDocument.objects.select_related("application__association"),
        pk=document_pk,
        application_id=pk,
    )
    if not can_read_files(request.user, document.application):
        raise Http404
    return document


@login_required
@require_GET
def document_download(request, pk, document_pk):
    document = _readable_document(request, pk, document_pk)
    return serve_file(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@login_required
@require_GET
def complement_file(request, pk, request_pk, file_pk):
    """A file sent with an answer to a request for complements: readable by whoever may read
    the application's documents; 404 for everyone else."""
    document = get_object_or_404(
        ComplementFile.objects.select_related("request__application__association"),
        pk=file_pk,
        request_id=request_pk,
        request__application_id=pk,
    )
    if not can_read_files(request.user, document.request.application):
        raise Http404
    return serve_file(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@login_required
@require_POST
def document_remove(request, pk, document_pk):
    application = member_application(request, pk)
    document = get_object_or_404(
        ApplicationDocument, pk=document_pk, application=application, removed_at=None
    )
    try:
        services.remove_document(document)
    except SubmissionRefused as refused:
        messages.error(request, refused.problems[0].message)
    else:
        messages.success(request, _("The file is removed from the application."))
    return redirect("grants:apply_step", pk, "documents")


# --- Submission, versions, receipts ---------------------------------------------------------


@login_required
@require_POST
def submit(request, pk):
    application = member_application(request, pk)
    try:
        submission = services.submit(application, user=request.user)
    except SubmissionRefused as refused:
        for problem in refused.problems:
            messages.error(request, problem.message)
        if application.is_editable:
            return redirect("grants:apply_step", pk, "recapitulatif")
        return redirect("grants:application", pk)
    except (IllegalTransition, StaleState) as error:
        messages.error(request, str(error))
        return redirect("grants:application", pk)
    messages.success(
        request,
        _(
            "Your application is submitted: reference %(reference)s, version %(number)d. "
            "Download the receipt below."
        )
        % {"reference": submission.snapshot["reference"], "number": submission.number},
    )
    return redirect("grants:application", pk)


@login_required
@require_POST
def reopen(request, pk):
    application = member_application(request, pk)
    try:
        services.reopen(application, user=request.user)
    except SubmissionRefused as refused:
        messages.error(request, refused.problems[0].message)
        return redirect("grants:application", pk)
    except (IllegalTransition, StaleState) as error:
        messages.error(request, str(error))
        return redirect("grants:application", pk)
    messages.warning(
        request,
        _(
            "The application is reopened. Submit it again before the deadline: until then, "
            "the version already sent is the one that counts."
        ),
    )
    return redirect("grants:apply_step", pk, "recapitulatif")


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    application = member_application(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(application, user=request.user, reason=form.cleaned_data["reason"])
        except SubmissionRefused as refused:
            messages.error(request, refused.problems[0].message)
        except (IllegalTransition, StaleState) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The application is withdrawn."))
        return redirect("grants:application", pk)
    return render(request, "grants/apply/withdraw.html", {"application": application, "form": form})


def _version(request, pk, number) -> ApplicationSubmission:
    application = member_application(request, pk)
    return get_object_or_404(
        ApplicationSubmission.objects.select_related("submitted_by", "application"),
        application=application,
        number=number,
    )


@login_required
@require_GET
def version(request, pk, number):
    submission = _version(request, pk, number)
    return render(
        request,
        "grants/apply/version.html",
        {
            "submission": submission,
            "application": submission.application,
            "data": submission.snapshot,
        },
    )


@login_required
@require_GET
def receipt(request, pk, number):
    submission = ensure_receipt(_version(request, pk, number))
    return serve_file(
        submission.receipt, filename=receipt_filename(submission), content_type="application/pdf"
    )


# --- Complements ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def complement(request, pk, request_pk):
    application = member_application(request, pk)
    complement_request = get_object_or_404(
        ComplementRequest, pk=request_pk, application=application
    )
    form = ComplementAnswerForm(request.POST or None)
    files = request.FILES.getlist("files")
    if request.method == "POST" and form.is_valid():
        try:
            validate_upload_count(files)
            for upload in files:
                upload.checked = validate_upload(upload)
            services.answer_complements(
                complement_request,
                user=request.user,
                answer=form.cleaned_data["answer"],
                uploads=files,
            )
        except SubmissionRefused as refused:
            form.add_error("answer", refused.problems[0].message)
        except (IllegalTransition, StaleState) as error:
            form.add_error(None, str(error))
        except OSError:  # the storage failed: the transaction left nothing behind
            logging.getLogger(__name__).exception("complement of application %s not stored", pk)
            form.add_error(None, STORAGE_FAILED)
        except Exception as error:  # ValidationError of a file
            if not hasattr(error, "messages"):
                raise
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer is sent to the ministry."))
            return redirect("grants:application", pk)
    return render(
        request,
        "grants/apply/complement.html",
        {
            "application": application,
            "complement_request": complement_request,
            "form": form,
            "open": complement_request.answered_at is None
            and timezone.now() < complement_request.due_at,
        },
    )


# --- Pages of the association ---------------------------------------------------------------


@login_required
@require_GET
def application_detail(request, pk):
    application = member_application(request, pk)
    now = timezone.now()
    submissions = application.submissions.select_related("submitted_by").order_by("-number")
    return render(
        request,
        "grants/apply/detail.html",
        {
            "application": application,
            "submissions": submissions,
            "history": history(application),
            "complement_requests": application.complement_requests.prefetch_related("files"),
            "can_reopen": application.status == Application.Status.SUBMITTED
            and application.call.is_accepting(now),
            "can_withdraw": Application.Status.WITHDRAWN
            in Application.TRANSITIONS.get(application.status, ()),
            "now": now,
            "grant": Grant.objects.filter(application=application).first(),
        },
    )


@login_required
@require_GET
def my_applications(request):
    """The association's dashboard: every application and grant of the user's associations,
    with their status history. Its queries do not grow with the number of rows."""
    associations = Association.objects.filter(memberships__user=request.user).order_by("name_fr")
    applications = list(
        Application.objects.filter(association__in=associations)
        .select_related(
            "association", "call", "call__programme", "call_domain", "call_domain__domain"
        )
        .prefetch_related(
            Prefetch(
                "complement_requests",
                ComplementRequest.objects.filter(answered_at=None),
                to_attr="open_requests",
            )
        )
        .order_by("-updated_at")
    )
    grants = list(
        Grant.objects.filter(application__association__in=associations)
        .select_related("application", "application__association")
        .order_by("-awarded_on")
    )
    changes = defaultdict(list)
    if applications:
        for change in StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id__in=[a.pk for a in applications],
        ).order_by("at"):
            changes[change.object_id].append(change)
    for application in applications:
        application.changes = changes[application.pk]
    return render(
        request,
        "grants/apply/dashboard.html",
        {
            "associations": associations,
            "applications": applications,
            "grants": grants,
            "open_calls": Call.objects.accepting().select_related("programme"),
            "now": timezone.now(),
        },
    )
