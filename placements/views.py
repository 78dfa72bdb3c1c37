"""Pages of the pipeline: board, match lists, proposals, placements, jobs and buddy pairs.

Caseworkers and coordinators work here; every record comes through ``placements.access`` so
another municipality's record (or a guessed id) is a 404. Aldermen see the board as figures
only; employer contacts get a 403 (their pages are the portal's).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baanbrekers.forms import ConfirmForm
from baanbrekers.listing import paginate
from baanbrekers.viewtools import apply_service_errors, user_passes
from employers.models import OpeningStatus
from jobseekers.models import ConsentKind
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
    PlacementEditForm,
    PlacementForm,
    ProposalAnswerForm,
    ProposeByHandForm,
    ProposeForm,
)
from .models import FINAL_STATUSES, PlacementOutcome, PlacementStatus
from .selectors import (
    BOARD_COLUMN_LIMIT,
    anonymised_profile,
    buddy_pairing_list,
    job_outcome_list,
    pipeline_board,
    pipeline_counts,
)
from .transitions import STATUS_ACTIONS, action_options, transition_check

pipeline_required = user_passes(may_work_in_pipeline)


@login_required
@require_GET
def pipeline(request):
    user = request.user
    if may_work_in_pipeline(user):
        return render(request, "placements/pipeline.html", _board_context(request))
    if user.is_alderman:
        return render(
            request, "placements/pipeline_figures.html", {"counts": pipeline_counts(user)}
        )
    raise PermissionDenied


# --- The board's moves ------------------------------------------------------------------------
# A card offers the status changes of placements.transitions (STATUS_ACTIONS) that the table
# allows this user now. A move without input is a plain POST button; a move that needs input is a
# link to its form (board_action_form): without JavaScript a page with that one form, with htmx
# the form fetched into the card. The board itself builds no form (a region's board has ~200
# cards: building every card's forms up front cost most of the page). Every move is a POST that
# htmx enhances to swap the board in place.
BOARD_MOVES = {
    "confirm_no_displacement": (
        NoDisplacementForm,
        gettext_lazy("Record the no-displacement check"),
    ),
    "agree": (None, gettext_lazy("Agree")),
    "start": (None, gettext_lazy("Start")),
    "extend": (ExtendForm, gettext_lazy("Extend")),
    "complete": (CompleteForm, gettext_lazy("Complete")),
    "end_early": (EndEarlyForm, gettext_lazy("End early")),
}
# Actions whose refusal the card explains (the next step is waiting for something).
BOARD_REASONS = {"agree", "start"}
BOARD_COLUMNS = (
    ("proposed", "placements_proposed", gettext_lazy("Proposed")),
    ("agreed", "placements_agreed", gettext_lazy("Agreed")),
    ("active", "placements_active", gettext_lazy("In progress")),
    ("finished", "placements_finished", gettext_lazy("Finished")),
)


@dataclass
class BoardMove:
    action: str
    label: str
    # Needs input: the card shows a link to the form (or ``form`` itself, bound, after an error).
    has_form: bool = False
    form: object | None = None
    reason: str | None = None
    open: bool = False
    url: str = ""  # where the card's button posts, or its link to the form leads


def _id_url(name: str, *rest) -> Callable[[int], str]:
    """``reverse(name, args=[pk, *rest])`` for many ids at the cost of one: the route is
    reversed once with a marker id and each id takes the marker's place. For the board's few
    hundred links per request (``reverse`` is most of a card's rendering otherwise); only for
    routes whose first argument is an ``<int:...>``."""
    marker = 987654321
    head, tail = reverse(name, args=[marker, *rest]).split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"


def _board_form(action: str, placement, data=None):
    form_class = BOARD_MOVES[action][0]
    # One prefix per card and action: field ids stay unique on a board of many cards.
    return form_class(data, prefix=f"{action}-{placement.pk}") if form_class else None


def _focused(form):
    """The form replaces the link just activated (or comes back with its errors): focus goes to
    its first field, the first wrong one if any, not back to the top of the page."""
    names = [name for name in form.fields if name in form.errors] or list(form.fields)
    form.fields[names[0]].widget.attrs["autofocus"] = True
    return form


def _board_moves(
    placement, options, urls: dict, bound: tuple | None = None, labels: dict | None = None
) -> list[BoardMove]:
    """The card's moves from its ``action_options``; ``bound``: (placement id, action, form) of
    a move that came back with errors, shown open in its card. ``urls``: per action, the
    ``_id_url`` of its form (a move with input) or of the move itself; ``labels``: per action,
    its label translated (once per board rather than once per card)."""
    labels = labels or {action: str(label) for action, (_f, label) in BOARD_MOVES.items()}
    moves = []
    for option in options:
        if option.action not in BOARD_MOVES or option.action not in STATUS_ACTIONS:
            continue
        if not option.allowed:
            if option.action in BOARD_REASONS:
                moves.append(BoardMove(option.action, "", reason=option.reason))
            continue
        form_class = BOARD_MOVES[option.action][0]
        is_bound = bound is not None and bound[:2] == (placement.pk, option.action)
        moves.append(
            BoardMove(
                option.action,
                labels[option.action],
                has_form=form_class is not None,
                form=bound[2] if is_bound else None,
                open=is_bound,
                url=urls[option.action](placement.pk),
            )
        )
    return moves


def _board_context(
    request, *, bound: tuple | None = None, moved=None, error: str = "", message: str = ""
) -> dict:
    """The board with each card's moves. ``bound``: (placement id, action, form) whose input
    and errors are shown again; ``moved``: the card just moved, focused after the swap."""
    board = pipeline_board(request.user)
    move_urls = {
        action: _id_url(
            "placements:board_action_form" if form_class else "placements:board_action", action
        )
        for action, (form_class, _label) in BOARD_MOVES.items()
    }
    labels = {action: str(label) for action, (_form_class, label) in BOARD_MOVES.items()}
    detail_url = _id_url("placements:placement_detail")
    job_url = _id_url("placements:job_create")
    columns = []
    card = _BoardCard(
        request,
        moved_id=moved.pk if moved is not None else None,
        error=error,
        error_id=bound[0] if bound else None,
    )
    for key, board_key, title in BOARD_COLUMNS:
        for placement in board[board_key]:
            options = action_options(placement, request.user)
            placement.board_moves = _board_moves(placement, options, move_urls, bound, labels)
            placement.detail_url = detail_url(placement.pk)
            placement.record_job_url = ""
            if key == "finished" and any(o.action == "record_job" and o.allowed for o in options):
                placement.record_job_url = (
                    f"{job_url(placement.jobseeker_id)}?placement={placement.pk}"
                )
            placement.card_html = card.html(placement)
        cards = "".join(placement.card_html for placement in board[board_key])
        columns.append(
            {
                "key": key,
                "title": title,
                "placements": board[board_key],
                "cards_html": mark_safe(cards),  # noqa: S308 - _BoardCard escapes every value
                "more": board["more"][board_key],
            }
        )
    proposal_url = _id_url("placements:proposal_detail")
    for proposal in (*board["proposals_pending"], *board["proposals_interested"]):
        proposal.detail_url = proposal_url(proposal.pk)
    matches_url = _id_url("placements:opening_matches")
    for opening in board["openings"]:
        opening.matches_url = matches_url(opening.pk)
    return {
        "board": board,
        "columns": columns,
        "moved_id": moved.pk if moved is not None else None,
        "board_error": error,
        "board_error_id": bound[0] if bound else None,
        "board_message": message,
        "board_limit": BOARD_COLUMN_LIMIT,
    }


class _BoardCard:
    """A placement's card as placements/_board_card.html shows it (the reference: a test compares
    the two), built in Python: a national board holds some 200 of them, and rendering the include
    for each was most of the page's time. Every value is escaped as the template does
    (``html.escape``, as Django's ``escape``). A card with a move's form open (back with its
    errors) is rendered by the template itself."""

    def __init__(self, request, *, moved_id, error: str, error_id):
        self.request = request
        self.moved_id = moved_id
        self.error = error
        self.error_id = error_id
        self.csrf = (
            '<input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{html.escape(get_token(request))}">'
        )
        self.ends_soon = _escape(_("Ends soon: decide on paid work"))
        self.record_job = _escape(_("Record paid work"))
        self.dates: dict = {}

    def date(self, day) -> str:
        """``{{ day|date }}``: the locale's date format (one formatting per day)."""
        if day not in self.dates:
            self.dates[day] = _escape(formats.date_format(day)) if day is not None else ""
        return self.dates[day]

    def html(self, placement) -> str:
        if any(move.form for move in placement.board_moves):
            return render_to_string(
                "placements/_board_card.html",
                {
                    "placement": placement,
                    "moved_id": self.moved_id,
                    "board_error": self.error,
                    "board_error_id": self.error_id,
                },
                request=self.request,
            )
        pk = placement.pk
        name = _escape(placement.jobseeker)
        end = placement.ended_on or placement.planned_end_date
        parts = [
            f'\n<li class="bb-card pl-card{" pl-ending-soon" if placement.ending_soon else ""}" '
            f'id="placement-{pk}" tabindex="-1"{" autofocus" if self.moved_id == pk else ""}>\n'
            f'  <a class="utrecht-link pl-card__name" href="{_escape(placement.detail_url)}">'
            f"{name}</a>\n"
            f'  <span class="bb-muted pl-card__meta">{_escape(placement.employer)} · '
            f"{self.date(placement.start_date)} – {self.date(end)}</span>"
        ]
        if placement.status in _FINISHED:
            outcome = f" · {_escape(placement.outcome_label)}" if placement.outcome else ""
            parts.append(
                f'\n  <span class="bb-status bb-status--{_escape(placement.status)}">'
                f"{_escape(placement.status_label)}{outcome}</span>"
            )
        if placement.ending_soon:
            parts.append(f"\n  <strong>{self.ends_soon}</strong>")
        if self.error and self.error_id == pk:
            parts.append(f'\n  <p class="bb-error" role="alert">{_escape(self.error)}</p>')
        if placement.board_moves:
            parts.append('\n  <div class="pl-moves">')
            for move in placement.board_moves:
                hidden = f'<span class="utrecht-visually-hidden">: {name}</span>'
                if move.reason:
                    parts.append(f'\n    <p class="bb-muted pl-reason">{_escape(move.reason)}</p>')
                elif move.has_form:
                    url = _escape(move.url)
                    parts.append(
                        f'\n    <a class="utrecht-link pl-move pl-move__open" href="{url}" '
                        f'hx-get="{url}" hx-swap="outerHTML">{_escape(move.label)}{hidden}</a>'
                    )
                else:
                    url = _escape(move.url)
                    parts.append(
                        f'\n    <form method="post" action="{url}" hx-post="{url}" '
                        'hx-target="#pl-board" hx-swap="outerHTML" class="pl-inline-form">'
                        f'{self.csrf}<button type="submit" class="utrecht-button '
                        f'utrecht-button--primary-action">{_escape(move.label)}{hidden}</button>'
                        "</form>"
                    )
            parts.append("\n  </div>")
        if placement.record_job_url:
            parts.append(
                f'\n  <a class="utrecht-link" href="{_escape(placement.record_job_url)}">'
                f"{self.record_job}</a>"
            )
        parts.append("\n</li>\n")
        return "".join(parts)


_FINISHED = (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)


def _escape(value) -> str:
    """What ``{{ value }}`` prints: safe strings as they are, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _board_response(request, status=200, **kwargs):
    template = "placements/_board.html" if request.htmx else "placements/pipeline.html"
    # htmx swaps only 2xx answers: a refused form comes back as 200 to the fragment.
    return render(
        request,
        template,
        _board_context(request, **kwargs),
        status=200 if request.htmx else status,
    )


def _board_move_page(request, placement, move: BoardMove, status=200):
    """A move's form on a page of its own: the board's link without JavaScript."""
    return render(
        request,
        "placements/board_move.html",
        {"placement": placement, "move": move},
        status=status,
    )


@pipeline_required
@require_GET
def board_action_form(request, pk, action):
    """The form of one card's move, on demand. With htmx: the form alone, put in the card in
    place of its link; without: a page with the form. A move the transitions table does not
    allow (any more) says why instead."""
    placement = placement_for_user(request.user, pk)
    if action not in BOARD_MOVES or BOARD_MOVES[action][0] is None:
        raise Http404
    try:
        # The transitions table's own gate (as the move's service will ask it again).
        transition_check(placement, action, request.user)
    except ValidationError as exc:
        reason = " ".join(exc.messages)
        if request.htmx:
            return render(
                request,
                "placements/_board_move_refused.html",
                {"placement": placement, "reason": reason},
            )
        messages.error(request, reason)
        return redirect("placements:pipeline")
    move = BoardMove(
        action,
        str(BOARD_MOVES[action][1]),
        has_form=True,
        form=_focused(_board_form(action, placement)),
        open=True,
    )
    if request.htmx:
        return render(
            request, "placements/_board_move_form.html", {"placement": placement, "move": move}
        )
    return _board_move_page(request, placement, move)


@pipeline_required
@require_POST
def board_action(request, pk, action):
    """Moves one card: the same services and transitions table as the placement's own page.
    Without JavaScript it comes back to the board (or shows the move's form page with its
    errors); with htmx it answers the board, the card in its new column (or the card's form
    open with its errors)."""
    placement = placement_for_user(request.user, pk)
    if action not in BOARD_MOVES:
        raise Http404
    form = _board_form(action, placement, request.POST)
    if form is not None and not form.is_valid():
        return _board_refused(request, placement, action, form)
    try:
        _do_action(action, placement, form.cleaned_data if form else {}, request.user)
    except ValidationError as exc:
        if form is not None:
            apply_service_errors(form, exc)
            return _board_refused(request, placement, action, form)
        error = " ".join(exc.messages)
        if request.htmx:
            return _board_response(request, bound=(placement.pk, action, None), error=error)
        messages.error(request, error)
        return redirect("placements:pipeline")
    message = str(ACTION_MESSAGES[action])
    if request.htmx:
        return _board_response(request, moved=placement, message=message)
    messages.success(request, message)
    return redirect("placements:pipeline")


def _board_refused(request, placement, action, form):
    """A move's form with errors: in its card on the board (htmx), else on the move's page."""
    _focused(form)
    if request.htmx:
        return _board_response(request, bound=(placement.pk, action, form))
    move = BoardMove(action, str(BOARD_MOVES[action][1]), has_form=True, form=form, open=True)
    return _board_move_page(request, placement, move, status=400)


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
def jobseeker_propose(request, pk):
    """Propose a person "by hand" to any open opening the caseworker sees. The proposal service
    checks the consent, that the opening is open and that the person is looking for work."""
    jobseeker = jobseeker_for_matching(request.user, pk)
    openings = (
        matchable_openings(request.user)
        .filter(status=OpeningStatus.OPEN)
        .select_related("employer")
        .order_by("employer__trade_name", "title")
    )
    form = ProposeByHandForm(
        request.POST or None, openings=openings, initial={"opening": request.GET.get("opening")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                jobseeker=jobseeker,
                opening=form.cleaned_data["opening"],
                proposed_by=request.user,
                motivation=form.cleaned_data["motivation"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s has been proposed.") % {"name": jobseeker})
            return redirect("placements:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "placements/propose_form.html",
        {
            "form": form,
            "jobseeker": jobseeker,
            "has_consent": jobseeker.has_consent(ConsentKind.SHARE_PROFILE),
            "looking": jobseeker.is_looking_for_work(),
        },
        status=400 if form.errors else 200,
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


@pipeline_required
@require_http_methods(["GET", "POST"])
def placement_edit(request, pk):
    """Change the agreements before the start; correct them (with a reason) once it runs."""
    placement = placement_for_user(request.user, pk)
    options = {o.action: o for o in action_options(placement, request.user)}
    option = options.get("edit") or options.get("correct")
    if option is None or not option.allowed:
        messages.error(
            request,
            option.reason if option else _("This placement can no longer be changed."),
        )
        return redirect("placements:placement_detail", pk=placement.pk)
    started = option.action == "correct"
    form = PlacementEditForm(
        request.POST or None,
        employer=placement.employer,
        started=started,
        initial={
            "supervisor": placement.supervisor_id,
            "start_date": placement.start_date,
            "planned_end_date": placement.planned_end_date,
            "hours_per_week": placement.hours_per_week,
            "learning_goals": placement.learning_goals,
            "benefit_kept": placement.benefit_kept,
            "insurance_arranged": placement.insurance_arranged,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_update(
                placement=placement,
                changed_by=request.user,
                reason=form.cleaned_data.get("reason", ""),
                **form.changes(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The agreements have been saved."))
            return redirect("placements:placement_detail", pk=placement.pk)
    return render(
        request,
        "placements/placement_edit.html",
        {"form": form, "placement": placement, "started": started},
        status=400 if form.errors else 200,
    )


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
        if _found_paid_work(action, form):
            # Straight on to recording the job, prefilled from the placement.
            return redirect(_job_form_url(placement))
    return redirect("placements:placement_detail", pk=placement.pk)


PAID_WORK_OUTCOMES = (PlacementOutcome.PAID_JOB_HERE, PlacementOutcome.PAID_JOB_ELSEWHERE)


def _found_paid_work(action, form) -> bool:
    return (
        action in ("complete", "end_early")
        and form is not None
        and form.cleaned_data.get("outcome") in PAID_WORK_OUTCOMES
    )


def _job_form_url(placement) -> str:
    return (
        reverse("placements:job_create", args=[placement.jobseeker_id])
        + f"?placement={placement.pk}"
    )


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
        initial = {"route": "placement", "hours_per_week": placement.hours_per_week}
        # A finished placement says where the work is; "elsewhere" leaves the employer open.
        if placement.outcome != PlacementOutcome.PAID_JOB_ELSEWHERE:
            initial["employer"] = placement.employer_id
        if placement.ended_on:
            initial["start_date"] = placement.ended_on
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
        {
            "form": form,
            "jobseeker": jobseeker,
            "placement": placement,
            "placement_finished": placement is not None and placement.status in FINAL_STATUSES,
        },
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
    # Ending a pairing is confirmed with a box to tick (works without JavaScript).
    end_form = ConfirmForm(
        request.POST if request.POST.get("form") == "end" else None,
        prefix="end",
        label=_("Yes, end this buddy pairing"),
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
            if kind == "end" and end_form.is_valid():
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
            "end_form": end_form,
        },
        status=400 if (meeting_form.errors or intro_form.errors or end_form.errors) else 200,
    )
