"""The association's side of applications: the wizard (one step per page, autosaved),
submission and receipts, reopening, withdrawal, answers to complements, and the dashboard.

Every page is for the members of the application's association (404 for anyone else); files
also open for staff and the assigned reviewers.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grants import selectors, wizard
from grants.forms.apply import (
    ComplementAnswerForm,
    DocumentUploadForm,
    DomainStepForm,
    WithdrawForm,
)
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationSubmission,
    ComplementRequest,
)
from grants.permissions.apply import can_read_files, member_application
from grants.receipts import ensure_receipt, receipt_filename
from grants.services import apply as services
from grants.services.apply import SubmissionRefused, WizardStep
from portal.files import STORAGE_FAILED, serve_file, validate_upload, validate_upload_count
from portal.forms import errors_as_messages
from portal.workflow import IllegalTransition, StaleState, history

# --- Starting -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request, call_pk):
    """Choose the association and the domain: the first step, which creates the draft."""
    call = get_object_or_404(selectors.public_calls_with_programme(), pk=call_pk)
    memberships = selectors.memberships_with_association(request.user)
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
            return redirect("grants:apply_step", application.pk, WizardStep.PROJECT)
    return render(
        request,
        "grants/apply/start.html",
        {
            "call": call,
            "form": form,
            "memberships": memberships,
            "association_id": str(association_id or ""),
            "steps": wizard.navigation(WizardStep.DOMAIN),
        },
    )


# --- The steps ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def step(request, pk, step):
    """One step of the wizard (``grants.wizard``): shown, or saved and on to the next."""
    page = wizard.get(step)
    if page is None:
        raise Http404
    application = member_application(request, pk)
    if not application.is_editable:
        messages.info(request, _("This application was sent. Reopen it to change it."))
        return redirect("grants:application", pk)
    if request.method == "POST" and page.saves:
        try:
            services.check_open(application)
            with transaction.atomic():
                saved, forms = page.save_posted(application, request.POST, partial=False)
        except SubmissionRefused as refused:
            messages.error(request, refused.problems[0].message)
            return redirect("grants:application", pk)
        if saved:
            messages.success(request, _("Step saved."))
            return redirect("grants:apply_step", pk, wizard.after(page, request.POST.get("go")))
        application.refresh_from_db()
        return render(request, page.template, wizard.context(application, page, forms))
    return render(request, page.template, wizard.context(application, page))


@login_required
@require_POST
def autosave(request, pk, step):
    """Keep whatever is valid of a half-filled step; called by the page as the user types."""
    page = wizard.get(step)
    if page is None or not page.saves:
        raise Http404
    application = member_application(request, pk)
    try:
        services.check_open(application)
        with transaction.atomic():
            page.save_posted(application, request.POST, partial=True)
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
    back = redirect("grants:apply_step", pk, WizardStep.DOCUMENTS)
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
            page = wizard.STEPS[WizardStep.DOCUMENTS]
            return render(
                request, page.template, wizard.context(application, page, {"upload_form": form})
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
        selectors.documents_with_association(),
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
        document.file,
        filename=document.original_name,
        content_type=document.content_type,
        request=request,
        document=document,
    )


@login_required
@require_GET
def complement_file(request, pk, request_pk, file_pk):
    """A file sent with an answer to a request for complements: readable by whoever may read
    the application's documents; 404 for everyone else."""
    document = get_object_or_404(
        selectors.complement_files_with_association(),
        pk=file_pk,
        request_id=request_pk,
        request__application_id=pk,
    )
    if not can_read_files(request.user, document.request.application):
        raise Http404
    return serve_file(
        document.file,
        filename=document.original_name,
        content_type=document.content_type,
        request=request,
        document=document,
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
    return redirect("grants:apply_step", pk, WizardStep.DOCUMENTS)


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
            return redirect("grants:apply_step", pk, WizardStep.REVIEW)
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
    return redirect("grants:apply_step", pk, WizardStep.REVIEW)


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
        selectors.submissions_with_application(),
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
        submission.receipt,
        filename=receipt_filename(submission),
        content_type="application/pdf",
        request=request,
        document=submission,
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
    submissions = selectors.application_submissions(application)
    return render(
        request,
        "grants/apply/detail.html",
        {
            "application": application,
            "submissions": submissions,
            "history": history(application),
            "complement_requests": selectors.complement_requests(application),
            "can_reopen": application.status == Application.Status.SUBMITTED
            and application.call.is_accepting(now),
            "can_withdraw": Application.Status.WITHDRAWN
            in Application.TRANSITIONS.get(application.status, ()),
            "now": now,
            "grant": selectors.application_grant(application),
        },
    )


@login_required
@require_GET
def my_applications(request):
    """The association's dashboard: every application and grant of the user's associations,
    with their status history. Its queries do not grow with the number of rows."""
    associations = selectors.associations_of(request.user)
    applications = selectors.applications_of(associations)
    grants = selectors.grants_of(associations)
    changes = selectors.status_changes_by_application(applications)
    for application in applications:
        application.changes = changes[application.pk]
    return render(
        request,
        "grants/apply/dashboard.html",
        {
            "associations": associations,
            "applications": applications,
            "grants": grants,
            "open_calls": selectors.accepting_calls_with_programme(),
            "now": timezone.now(),
        },
    )
