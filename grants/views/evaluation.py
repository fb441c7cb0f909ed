"""The ministry's side: the workspace per call, admissibility, reviewers, scores, consensus,
the ranking per domain with the committee's decisions, and the minutes."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calls.models import Call
from grants import selectors
from grants.columns import WORKSPACE
from grants.filters import WorkspaceFilter
from grants.forms.evaluation import (
    AssignForm,
    BulkDecisionForm,
    ComplementRequestForm,
    ConflictForm,
    ConsensusForm,
    DecisionForm,
    InadmissibleForm,
    NoConflictForm,
    ReopenMinutesForm,
    ReviewForm,
)
from grants.models import (
    Application,
    CommitteeMinutes,
    Decision,
    ReviewAssignment,
)
from grants.permissions.evaluation import require
from grants.services import evaluation as services
from grants.services.apply import snapshot
from grants.services.evaluation import EvaluationError
from portal.files import serve_file
from portal.forms import errors_as_messages, perform
from portal.lists import render_list
from portal.workflow import IllegalTransition, StaleState, history

REFUSED = (EvaluationError, IllegalTransition, StaleState)
act = partial(perform, refused=REFUSED)


def _call(pk) -> Call:
    return get_object_or_404(selectors.public_calls_with_programme(), pk=pk)


@login_required
@require_GET
def calls(request):
    """Where the ministry's side starts: every call with its applications by state."""
    require(request, "grants.view_evaluation")
    rows = selectors.calls_with_application_counts()
    return render(request, "grants/evaluation/calls.html", {"calls": rows})


@login_required
@require_GET
def workspace(request, call_pk):
    """A call's applications for staff: counts by state, filters, the list and its files."""
    require(request, "grants.view_evaluation")
    call = _call(call_pk)
    return render_list(
        request,
        WorkspaceFilter(
            request.GET,
            selectors.workspace_applications(call),
            call=call,
            reviewers=services.reviewers(),
        ),
        columns=WORKSPACE,
        filename=f"dossiers-{call.programme.code}-{call.edition}",
        template="grants/evaluation/workspace.html",
        context=lambda _rows: {
            "call": call,
            "counts": selectors.workspace_counts(call),
            "can_run": request.user.has_perm("grants.run_evaluation"),
        },
    )


@login_required
@require_POST
def auto_assign(request, call_pk):
    require(request, "grants.run_evaluation")
    call = _call(call_pk)
    made = services.auto_assign(call, by=request.user)
    messages.success(request, _("%(count)d assignments made.") % {"count": made})
    return redirect("grants:workspace", call.pk)


def _staff_application(pk) -> Application:
    return get_object_or_404(
        selectors.submitted_applications(),
        pk=pk,
    )


@login_required
@require_GET
def instruction(request, pk):
    """An application for staff: content, checklist, actions, reviewers and their scores."""
    require(request, "grants.view_evaluation")
    application = _staff_application(pk)
    last = selectors.latest_submission(application)
    return render(
        request,
        "grants/evaluation/instruction.html",
        {
            "application": application,
            "data": last.snapshot if last else snapshot(application),
            "link_documents": True,
            "checklist": services.checklist(application),
            "complement_requests": selectors.complement_requests(application),
            "assignments": selectors.application_reviews(application),
            "history": history(application),
            "inadmissible_form": InadmissibleForm(),
            "complement_form": ComplementRequestForm(),
            "assign_form": AssignForm(reviewers=services.reviewers()),
            "consensus_form": ConsensusForm(),
            "consensus": getattr(application, "consensus", None),
            "can_run": request.user.has_perm("grants.run_evaluation"),
            "criteria": selectors.grid_criteria(application.call),
        },
    )


@login_required
@require_POST
def admissibility(request, pk):
    require(request, "grants.run_evaluation")
    application = _staff_application(pk)
    action = request.POST.get("action")
    try:
        if action == "admissible":
            services.declare_admissible(application, by=request.user)
            messages.success(request, _("The application is admissible."))
        elif action == "inadmissible":
            form = InadmissibleForm(request.POST)
            if not form.is_valid():
                errors_as_messages(request, form)
                return redirect("grants:instruction", pk)
            services.declare_inadmissible(
                application, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("The application is inadmissible; the association is told why.")
            )
        elif action == "complements":
            form = ComplementRequestForm(request.POST)
            if not form.is_valid():
                errors_as_messages(request, form)
                return redirect("grants:instruction", pk)
            services.request_complements(
                application,
                by=request.user,
                message=form.cleaned_data["message"],
                due_at=form.cleaned_data["due_at"],
            )
            messages.success(request, _("The association is asked for complements."))
        else:
            raise Http404
    except REFUSED as error:
        messages.error(request, str(error))
    return redirect("grants:instruction", pk)


@login_required
@require_POST
def assign(request, pk):
    require(request, "grants.run_evaluation")
    application = _staff_application(pk)
    act(
        request,
        lambda data: services.assign(application, data["reviewer"], by=request.user),
        form=AssignForm(request.POST, reviewers=services.reviewers()),
        success=_("The reviewer is assigned."),
    )
    return redirect("grants:instruction", pk)


@login_required
@require_POST
def consensus(request, pk):
    require(request, "grants.run_evaluation")
    application = _staff_application(pk)
    act(
        request,
        lambda data: services.record_consensus(
            application, score=data["score"], comment=data["comment"], by=request.user
        ),
        form=ConsensusForm(request.POST),
        success=_("The consensus is recorded."),
    )
    return redirect("grants:instruction", pk)


# --- Reviewers ------------------------------------------------------------------------------


@login_required
@require_GET
def my_reviews(request):
    require(request, "grants.review")
    assignments = selectors.review_assignments_of(request.user)
    return render(request, "grants/evaluation/my_reviews.html", {"assignments": assignments})


def _assignment(request, pk) -> ReviewAssignment:
    return get_object_or_404(
        selectors.assignments_with_application(),
        pk=pk,
        reviewer=request.user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    """A reviewer's page: the declaration of interests until the reviewer has made it, then the
    content and the grid. A conflicted reviewer never sees the content (404)."""
    require(request, "grants.review")
    assignment = _assignment(request, pk)
    if assignment.status == ReviewAssignment.Status.CONFLICT:
        raise Http404
    if assignment.status == ReviewAssignment.Status.ASSIGNED:
        return review_declaration(request, assignment)
    return review_scoring(request, assignment)


def review_declaration(request, assignment):
    """The declaration of interests. No conflict (the ticked ``declaration=no_conflict``,
    nothing else) opens the grid; a conflict withdraws the application, back to the list.
    Only the form that was posted is bound: the other one shows no errors."""
    action = request.POST.get("action", "") if request.method == "POST" else None
    conflict_form = ConflictForm(request.POST if action == "conflict" else None)
    no_conflict_form = NoConflictForm(request.POST if action not in (None, "conflict") else None)
    try:
        if conflict_form.is_valid():
            services.declare_conflict(assignment, reason=conflict_form.cleaned_data["reason"])
            messages.success(
                request,
                _("Your conflict of interest is recorded; the application is withdrawn from you."),
            )
            return redirect("grants:my_reviews")
        if no_conflict_form.is_valid():
            services.declare_no_conflict(assignment)
            return redirect("grants:review", assignment.pk)
    except REFUSED as error:
        messages.error(request, str(error))
    return render(
        request,
        "grants/evaluation/declare.html",
        {
            "assignment": assignment,
            "application": assignment.application,
            "form": conflict_form,
            "no_conflict_form": no_conflict_form,
        },
    )


def review_scoring(request, assignment):
    """The application as sent and the call's grid; saved as often as needed until submitted."""
    application = assignment.application
    criteria = list(selectors.grid_criteria(application.call))
    initial = {"comment": assignment.comment}
    for score in assignment.scores.all():
        initial[f"score_{score.criterion_id}"] = score.value
        initial[f"comment_{score.criterion_id}"] = score.comment
    form = ReviewForm(request.POST or None, criteria=criteria, initial=initial)
    editable = assignment.status == ReviewAssignment.Status.IN_PROGRESS
    submit = "submit" in request.POST
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.save_review(
                assignment,
                values=form.values(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except REFUSED as error:
            form.add_error(None, str(error))
        else:
            if submit:
                messages.success(request, _("Your review is submitted."))
                return redirect("grants:my_reviews")
            messages.success(request, _("Your scores are saved."))
            return redirect("grants:review", assignment.pk)
    last = selectors.latest_submission(application)
    return render(
        request,
        "grants/evaluation/review.html",
        {
            "assignment": assignment,
            "application": application,
            "data": last.snapshot if last else snapshot(application),
            "link_documents": True,
            "form": form,
            "editable": editable,
        },
    )


# --- Ranking, decisions, minutes ------------------------------------------------------------


@login_required
@require_GET
def ranking(request, call_pk):
    require(request, "grants.view_evaluation")
    call = _call(call_pk)
    context = {
        "call": call,
        "domains": selectors.ranking_by_domain(call),
        "minutes": selectors.latest_minutes(call),
    }
    context["can_decide"] = request.user.has_perm("grants.decide") and not (
        context["minutes"] and context["minutes"].status == CommitteeMinutes.Status.CLOSED
    )
    context["can_run"] = request.user.has_perm("grants.run_evaluation")
    context["reopen_form"] = ReopenMinutesForm()
    context["outcomes"] = Decision.Outcome.choices
    return render(request, "grants/evaluation/ranking.html", context)


@login_required
@require_POST
def decide(request, pk):
    require(request, "grants.decide")
    application = _staff_application(pk)
    act(
        request,
        lambda data: services.decide(application, by=request.user, **data),
        form=DecisionForm(request.POST),
        success=_("Decision recorded for %(reference)s.") % {"reference": application.reference},
        prefix=f"{application.reference} : ",
    )
    return redirect("grants:ranking", application.call_id)


@login_required
@require_POST
def decide_bulk(request, call_pk):
    """The committee approves (each at the amount requested), waitlists or rejects a selection
    from the ranking; each decision is checked like a single one."""
    require(request, "grants.decide")
    call = _call(call_pk)
    form = BulkDecisionForm(request.POST, call=call)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("grants:ranking", call.pk)
    done = 0
    for application in form.cleaned_data["applications"].order_by("-score"):
        try:
            services.decide(
                application,
                outcome=form.cleaned_data["outcome"],
                amount=application.requested_amount,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            done += 1
        except REFUSED as error:
            messages.error(request, f"{application.reference} : {error}")
    messages.success(request, _("%(count)d decisions recorded.") % {"count": done})
    return redirect("grants:ranking", call.pk)


@login_required
@require_POST
def minutes_close(request, pk):
    require(request, "grants.run_evaluation")
    minutes = get_object_or_404(CommitteeMinutes, pk=pk)
    act(
        request,
        lambda _data: services.close_minutes(minutes, by=request.user),
        success=_("The minutes are closed; the approved applications are grants."),
    )
    return redirect("grants:ranking", minutes.call_id)


@login_required
@require_POST
def minutes_reopen(request, pk):
    require(request, "grants.run_evaluation")
    minutes = get_object_or_404(CommitteeMinutes, pk=pk)
    form = ReopenMinutesForm(request.POST)
    try:
        if not form.is_valid():
            raise EvaluationError(_("Say why the minutes are reopened: it stays on record."))
        services.reopen_minutes(minutes, by=request.user, reason=form.cleaned_data["reason"])
        messages.warning(request, _("The minutes are reopened."))
    except REFUSED as error:
        messages.error(request, str(error))
    return redirect("grants:ranking", minutes.call_id)


@login_required
@require_GET
def minutes_pdf(request, pk):
    require(request, "grants.view_evaluation")
    minutes = get_object_or_404(selectors.minutes_with_call(), pk=pk)
    filename = f"pv-{minutes.call.programme.code}-{minutes.call.edition}-{minutes.number}.pdf"
    if minutes.pdf:
        return serve_file(
            minutes.pdf,
            filename=filename,
            content_type="application/pdf",
            request=request,
            document=minutes,
        )
    from django.http import HttpResponse

    from grants.minutes import minutes_pdf as render_minutes

    response = HttpResponse(render_minutes(minutes), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
