"""Pages of the pipeline: board, match lists, proposals, placements, jobs and buddy pairs.

Caseworkers and coordinators work here; every record comes through ``placements.access`` so
another municipality's record (or a guessed id) is a 404. Aldermen see the board as figures
only; employer contacts get a 403 (their pages are the portal's).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baanbrekers.listing import paginate
from baanbrekers.viewtools import apply_service_errors, user_passes
from matching.ranking import (
    rank_employers_to_visit,
    rank_jobseekers_for_opening,
    rank_openings_for_jobseeker,
)
from visits.selectors import clicked_with

from . import services
from .access import (
    buddy_pairing_for_user,
    jobseeker_for_matching,
    matchable_employers,
    matchable_jobseekers,
    matchable_openings,
    may_work_in_pipeline,
    opening_for_matching,
    placement_for_user,
    proposal_for_user,
)
from .forms import (
    BuddyMeetingForm,
    BuddyPairingForm,
    CheckInForm,
    CompleteForm,
    EndEarlyForm,
    EvaluationForm,
    ExtendForm,
    IntroductionForm,
    JobOutcomeForm,
    NoDisplacementForm,
    PlacementForm,
    ProposalAnswerForm,
    ProposeForm,
)
from .selectors import (
    anonymised_profile,
    buddy_pairing_list,
    job_outcome_list,
    pipeline_board,
    pipeline_counts,
)
from .transitions import action_options

pipeline_required = user_passes(may_work_in_pipeline)


@login_required
@require_GET
def pipeline(request):
    user = request.user
    if may_work_in_pipeline(user):
        return render(request, "placements/pipeline.html", {"board": pipeline_board(user)})
    if user.is_alderman:
        return render(
            request, "placements/pipeline_figures.html", {"counts": pipeline_counts(user)}
        )
    raise PermissionDenied


@pipeline_required
@require_GET
def opening_matches(request, pk):
    opening = opening_for_matching(request.user, pk)
    matches = rank_jobseekers_for_opening(
        opening, base=matchable_jobseekers(request.user), clicked=clicked_with(opening.employer)
    )
    return render(
        request,
        "placements/opening_matches.html",
        {"opening": opening, "matches": matches},
    )


@pipeline_required
@require_POST
def opening_propose(request, pk):
    opening = opening_for_matching(request.user, pk)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a job seeker to propose."))
        return redirect("placements:opening_matches", pk=opening.pk)
    jobseeker = jobseeker_for_matching(request.user, form.cleaned_data["jobseeker"])
    score = request.POST.get("score")
    try:
        proposal = services.proposal_create(
            jobseeker=jobseeker,
            opening=opening,
            proposed_by=request.user,
            motivation=form.cleaned_data["motivation"],
            match_score=int(score) if score and score.isdigit() else None,
        )
    except ValidationError as exc:
        if request.htmx:
            return render(
                request, "placements/_propose_result.html", {"error": " ".join(exc.messages)}
            )
        messages.error(request, " ".join(exc.messages))
        return redirect("placements:opening_matches", pk=opening.pk)
    if request.htmx:
        return render(request, "placements/_propose_result.html", {"proposal": proposal})
    messages.success(request, _("%(name)s has been proposed.") % {"name": jobseeker})
    return redirect("placements:proposal_detail", pk=proposal.pk)


@pipeline_required
@require_GET
def jobseeker_matches(request, pk):
    jobseeker = jobseeker_for_matching(request.user, pk)
    return render(
        request,
        "placements/jobseeker_matches.html",
        {
            "jobseeker": jobseeker,
            "openings": rank_openings_for_jobseeker(
                jobseeker, openings=matchable_openings(request.user)
            ),
            "employers": rank_employers_to_visit(
                jobseeker, employers=matchable_employers(request.user)
            ),
        },
    )


@pipeline_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request, pk):
    proposal = proposal_for_user(request.user, pk)
    form = ProposalAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_answer(
                proposal=proposal,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
                answered_by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The answer has been recorded."))
            return redirect("placements:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "placements/proposal_detail.html",
        {
            "proposal": proposal,
            "form": form,
            "profile": anonymised_profile(proposal.jobseeker),
            "placements": proposal.placements.all(),
        },
        status=400 if form.errors else 200,
    )


@pipeline_required
@require_POST
def proposal_introduction(request, pk):
    proposal = proposal_for_user(request.user, pk)
    try:
        services.proposal_agree_introduction(proposal=proposal, agreed_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The introduction has been agreed."))
    return redirect("placements:proposal_detail", pk=proposal.pk)


@pipeline_required
@require_http_methods(["GET", "POST"])
def placement_create(request, pk):
    """A development placement from an interested employer's proposal."""
    proposal = proposal_for_user(request.user, pk)
    employer = proposal.opening.employer
    form = PlacementForm(
        request.POST or None,
        employer=employer,
        initial={"hours_per_week": proposal.opening.hours_per_week},
    )
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_create(
                jobseeker=proposal.jobseeker,
                employer=employer,
                opening=proposal.opening,
                proposal=proposal,
                created_by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The development placement has been proposed."))
            return redirect("placements:placement_detail", pk=placement.pk)
    return render(
        request,
        "placements/placement_form.html",
        {"form": form, "proposal": proposal},
        status=400 if form.errors else 200,
    )


def _placement_forms(placement, data=None, which=None):
    """The forms of the detail page, each with its own prefix (several share field names)."""
    classes = {
        "confirm_no_displacement": NoDisplacementForm,
        "extend": ExtendForm,
        "complete": CompleteForm,
        "end_early": EndEarlyForm,
        "checkin": CheckInForm,
        "evaluation": EvaluationForm,
    }
    return {
        name: cls(data if name == which else None, prefix=name) for name, cls in classes.items()
    }


@pipeline_required
@require_GET
def placement_detail(request, pk):
    placement = placement_for_user(request.user, pk)
    return _render_placement(request, placement, _placement_forms(placement))


def _render_placement(request, placement, forms, status=200):
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "forms": forms,
            "checkins": placement.checkins.select_related("author"),
            "evaluations": placement.evaluations.all(),
            "jobs": placement.jobs.all(),
            # Which buttons to show, and why one is not there yet: the one transitions table.
            "actions": {
                option.action: option for option in action_options(placement, request.user)
            },
        },
        status=status,
    )


# Which form each action reads, and the service call it makes.
def _do_action(action, placement, data, user):
    if action == "confirm_no_displacement":
        return services.placement_confirm_no_displacement(
            placement=placement, note=data["note"], checked_by=user
        )
    if action == "agree":
        return services.placement_agree(placement=placement, agreed_by=user)
    if action == "start":
        return services.placement_start(placement=placement, started_by=user)
    if action == "extend":
        return services.placement_extend(
            placement=placement, new_end_date=data["new_end_date"], extended_by=user
        )
    if action == "complete":
        return services.placement_complete(
            placement=placement, outcome=data["outcome"], completed_by=user
        )
    if action == "end_early":
        return services.placement_end_early(
            placement=placement, reason=data["reason"], outcome=data["outcome"], ended_by=user
        )
    if action == "checkin":
        return services.checkin_record(placement=placement, author=user, **data)
    if action == "evaluation":
        return services.evaluation_record(placement=placement, recorded_by=user, **data)
    raise PermissionDenied


ACTIONS_WITH_FORMS = {
    "confirm_no_displacement",
    "extend",
    "complete",
    "end_early",
    "checkin",
    "evaluation",
}
ACTION_MESSAGES = {
    "confirm_no_displacement": gettext_lazy("The no-displacement check has been recorded."),
    "agree": gettext_lazy("The placement has been agreed."),
    "start": gettext_lazy("The placement has started."),
    "extend": gettext_lazy("The placement has been extended."),
    "complete": gettext_lazy("The placement has been completed."),
    "end_early": gettext_lazy("The placement has ended early."),
    "checkin": gettext_lazy("The check-in has been recorded."),
    "evaluation": gettext_lazy("The evaluation has been recorded."),
}


@pipeline_required
@require_POST
def placement_action(request, pk, action):
    """One transition (or a check-in/evaluation) of a placement. The service asks the
    transitions table; a refused one shows its Dutch message and the form keeps what was typed."""
    placement = placement_for_user(request.user, pk)
    if action not in ACTION_MESSAGES:
        raise PermissionDenied
    forms = _placement_forms(
        placement, request.POST, action if action in ACTIONS_WITH_FORMS else None
    )
    form = forms.get(action) if action in ACTIONS_WITH_FORMS else None
    if form is not None and not form.is_valid():
        return _render_placement(request, placement, forms, status=400)
    try:
        _do_action(action, placement, form.cleaned_data if form else {}, request.user)
    except ValidationError as exc:
        if form is not None:
            apply_service_errors(form, exc)
            return _render_placement(request, placement, forms, status=400)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(ACTION_MESSAGES[action]))
    return redirect("placements:placement_detail", pk=placement.pk)


@pipeline_required
@require_GET
def job_list(request):
    page = paginate(request, job_outcome_list(request.user))
    return render(request, "placements/job_list.html", {"page": page})


@pipeline_required
@require_http_methods(["GET", "POST"])
def job_create(request, jobseeker_pk):
    jobseeker = jobseeker_for_matching(request.user, jobseeker_pk)
    placement = None
    if request.GET.get("placement"):
        placement = placement_for_user(request.user, request.GET["placement"])
        if placement.jobseeker_id != jobseeker.pk:
            raise PermissionDenied
    initial = {}
    if placement is not None:
        initial = {
            "employer": placement.employer_id,
            "route": "placement",
            "hours_per_week": placement.hours_per_week,
        }
    form = JobOutcomeForm(
        request.POST or None, employers=matchable_employers(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.job_outcome_record(
                jobseeker=jobseeker,
                placement=placement,
                recorded_by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Paid work has been recorded for %(name)s.") % {"name": jobseeker}
            )
            if placement is not None:
                return redirect("placements:placement_detail", pk=placement.pk)
            return redirect("placements:job_list")
    return render(
        request,
        "placements/job_form.html",
        {"form": form, "jobseeker": jobseeker, "placement": placement},
        status=400 if form.errors else 200,
    )


@pipeline_required
@require_GET
def buddy_list(request):
    page = paginate(request, buddy_pairing_list(request.user))
    return render(request, "placements/buddy_list.html", {"page": page})


@pipeline_required
@require_http_methods(["GET", "POST"])
def buddy_create(request, jobseeker_pk):
    jobseeker = jobseeker_for_matching(request.user, jobseeker_pk)
    form = BuddyPairingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.buddy_pairing_create(
                jobseeker=jobseeker, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("placements:buddy_detail", pk=pairing.pk)
    return render(
        request,
        "placements/buddy_form.html",
        {"form": form, "jobseeker": jobseeker},
        status=400 if form.errors else 200,
    )


@pipeline_required
@require_http_methods(["GET", "POST"])
def buddy_detail(request, pk):
    pairing = buddy_pairing_for_user(request.user, pk)
    meeting_form = BuddyMeetingForm(
        request.POST if request.POST.get("form") == "meeting" else None, prefix="meeting"
    )
    intro_form = IntroductionForm(
        request.POST if request.POST.get("form") == "introduction" else None, prefix="intro"
    )
    if request.method == "POST":
        kind = request.POST.get("form")
        try:
            if kind == "meeting" and meeting_form.is_valid():
                services.buddy_meeting_record(pairing=pairing, **meeting_form.cleaned_data)
                messages.success(request, _("The meeting has been recorded."))
                return redirect("placements:buddy_detail", pk=pairing.pk)
            if kind == "introduction" and intro_form.is_valid():
                services.introduction_record(pairing=pairing, **intro_form.cleaned_data)
                messages.success(request, _("The introduction has been recorded."))
                return redirect("placements:buddy_detail", pk=pairing.pk)
            if kind == "end":
                services.buddy_pairing_end(pairing=pairing, ended_by=request.user)
                messages.success(request, _("The buddy pairing has ended."))
                return redirect("placements:buddy_detail", pk=pairing.pk)
        except ValidationError as exc:
            target = meeting_form if kind == "meeting" else intro_form
            if kind == "end":
                messages.error(request, " ".join(exc.messages))
                return redirect("placements:buddy_detail", pk=pairing.pk)
            apply_service_errors(target, exc)
    return render(
        request,
        "placements/buddy_detail.html",
        {
            "pairing": pairing,
            "meetings": pairing.meetings.all(),
            "introductions": pairing.introductions.select_related("employer"),
            "meeting_form": meeting_form,
            "intro_form": intro_form,
        },
        status=400 if (meeting_form.errors or intro_form.errors) else 200,
    )
