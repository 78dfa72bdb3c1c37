"""Pages of the employer portal, and the two back-office pages that link people to companies.

Portal pages run for an employer contact and the *current company* (``portal.access``); every
object is fetched through ``portal.access`` scoped to that company, so another company's id is a
404. Staff get a 403 on portal pages; portal users get a 403 on the back-office pages here (and
the other apps' pages refuse them too).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baanbrekers.access import get_visible_or_404
from baanbrekers.api.throttles import rate_limits_wait, too_many_attempts_message
from baanbrekers.listing import paginate
from baanbrekers.pdf import PdfUnavailable
from baanbrekers.viewtools import apply_service_errors, user_passes
from employers.models import OpeningStatus
from placements.models import EvaluationMoment, Evaluator, ProposalAnswer
from placements.transitions import BY_ACTION, allowed_actions, ending_soon_until
from visits.ical import visits_calendar

from . import services
from .access import (
    claim_for_user,
    claims_to_decide,
    current_employer,
    employer_to_invite_by_kvk,
    employer_to_invite_for,
    invitations_for_user,
    is_portal_user,
    may_manage_portal_access,
    portal_employers,
    portal_opening_for_user,
    portal_openings,
    portal_placement_for_user,
    portal_placements,
    portal_proposal_for_user,
    portal_proposals,
    portal_visits,
    switch_employer,
)
from .forms import (
    AnswerForm,
    CheckInForm,
    ClaimForm,
    ContactForm,
    DeclineClaimForm,
    EvaluationCorrectionForm,
    EvaluationForm,
    ImpactPeriodForm,
    InvitationForm,
    OpeningForm,
    PaidWorkForm,
    ReferralForm,
    RegisterCompanyForm,
    StoryForm,
)
from .models import ClaimStatus, CompanyClaim
from .pdf import impact_statement_pdf
from .selectors import (
    Impact,
    anonymised_profile,
    candidate_queryset,
    company_impact,
    company_impact_years,
    split_visits,
)

portal_user_required = user_passes(is_portal_user)
back_office_required = user_passes(may_manage_portal_access)


def company_required(view):
    """A portal page about the current company: ``request.employer`` is set and checked on every
    request; without a linked company the user is sent to the welcome page."""

    @portal_user_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        employer = current_employer(request)
        if employer is None:
            return redirect("portal:home")
        request.employer = employer
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template, context=None, **kwargs):
    context = context or {}
    employer = getattr(request, "employer", None)
    if employer is not None:
        context.setdefault("employer", employer)
        # The company switch shows names only: not every company's story texts on every page.
        companies = portal_employers(request.user).order_by("trade_name").only("pk", "trade_name")
        context.setdefault("companies", list(companies))
    return render(request, template, context, **kwargs)


# --- Welcome, switching, joining ------------------------------------------------------------
def _home(request, *, claim_form=None, status=200):
    """The first page: the company overview, or the welcome page without a linked company."""
    claim_form = claim_form or ClaimForm()
    employer = current_employer(request)
    if employer is None:
        claims = CompanyClaim.objects.filter(user=request.user).select_related("employer")
        return _render(
            request, "portal/welcome.html", {"form": claim_form, "claims": claims}, status=status
        )
    request.employer = employer
    proposals = portal_proposals(request.user, employer)
    placements = portal_placements(request.user, employer)
    # Placements ending soon without an answer about paid work: asked on the first page too
    # (the same rule as the placement page's question, placements.transitions).
    ending = placements.filter(
        status__in=BY_ACTION["paid_work_answer"].sources,
        planned_end_date__lte=ending_soon_until(),
        paid_work_answer__isnull=True,
    ).order_by("planned_end_date")
    return _render(
        request,
        "portal/home.html",
        {
            "pending_count": proposals.filter(answer=ProposalAnswer.PENDING).count(),
            "active_placements": placements.filter(status="active").count(),
            "ending_placements": ending,
            "open_offers": portal_openings(request.user, employer)
            .filter(status=OpeningStatus.OPEN)
            .count(),
            "upcoming_visits": split_visits(portal_visits(request.user, employer))[0][:3],
            "claims": CompanyClaim.objects.filter(
                user=request.user, status=ClaimStatus.PENDING
            ).select_related("employer"),
            "claim_form": claim_form,
        },
        status=status,
    )


@portal_user_required
@require_GET
def home(request):
    return _home(request)


@portal_user_required
@require_POST
def switch(request):
    employer = switch_employer(request, request.POST.get("employer"))
    messages.success(request, _("You now work for %(name)s.") % {"name": employer.trade_name})
    target = request.POST.get("next") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:home")
    return redirect(target)


@portal_user_required
@require_POST
def claim(request):
    form = ClaimForm(request.POST)
    # Limited per account and per address, so the form cannot be used to test KvK numbers.
    wait = rate_limits_wait(request, ("claim_user", "user"), ("claim_address", "address"))
    if wait is not None:
        form.is_valid()  # keeps what was typed, shown again with the refusal
        form.add_error(None, too_many_attempts_message(wait))
        response = _home(request, claim_form=form, status=429)
        response["Retry-After"] = str(wait)
        return response
    if form.is_valid():
        try:
            services.claim_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            # The same answer for a known and an unknown KvK number (issue 13).
            _claim_received(request)
            return redirect("portal:home")
    return _home(request, claim_form=form, status=400)


def _claim_received(request) -> None:
    messages.success(
        request,
        _(
            "Thank you, we have received your request. Baanbrekers will check it and "
            "contact you; once it is approved you will see the company here."
        ),
    )


@portal_user_required
@require_http_methods(["GET", "POST"])
def register_company(request):
    """Registering a company that may be new to us; answered like a claim, known KvK or not."""
    form = RegisterCompanyForm(
        request.POST or None,
        initial={
            "kvk_number": request.GET.get("kvk", ""),
            "contact_name": request.user.get_full_name(),
        },
    )
    status = 200
    if request.method == "POST":
        wait = rate_limits_wait(request, ("claim_user", "user"), ("claim_address", "address"))
        if wait is not None:
            form.is_valid()
            form.add_error(None, too_many_attempts_message(wait))
            response = render(request, "portal/register.html", {"form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            try:
                services.company_register(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                _claim_received(request)
                return redirect("portal:home")
        status = 400
    return render(request, "portal/register.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    invitation = services.invitation_by_token(token)
    if invitation is None:
        raise Http404
    if not request.user.is_authenticated:
        return render(request, "portal/invitation_login.html", {"invitation": invitation})
    error = None
    wait = None
    if request.method == "POST":
        wait = rate_limits_wait(
            request, ("invitation_user", "user"), ("invitation_address", "address")
        )
    if wait is not None:
        error = too_many_attempts_message(wait)
    elif request.method == "POST":
        try:
            contact = services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            request.session["portal_employer_id"] = contact.employer_id
            messages.success(
                request,
                _("Welcome! You now represent %(name)s.") % {"name": contact.employer.trade_name},
            )
            return redirect("portal:home")
    elif not invitation.is_open:
        error = _("This invitation has expired or has already been used.")
    response = render(
        request,
        "portal/invitation.html",
        {"invitation": invitation, "error": error},
        status=429 if wait else 400 if error and request.method == "POST" else 200,
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


# --- Company page ---------------------------------------------------------------------------
@company_required
@require_http_methods(["GET", "POST"])
def company(request):
    employer = request.employer
    form = StoryForm(request.POST or None, instance=employer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        skills = data.pop("valued_skills")
        try:
            services.company_story_update(
                employer=employer, user=request.user, valued_skills=skills, **data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Your company story has been saved."))
            return redirect("portal:company")
    contacts = employer.contacts.all()
    return _render(
        request,
        "portal/company.html",
        {"form": form, "contacts": contacts},
        status=400 if form.errors else 200,
    )


@company_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk=None):
    employer = request.employer
    contact = None
    if pk is not None:
        contact = employer.contacts.filter(pk=pk).first()
        if contact is None:
            raise Http404
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_contact_save(
                employer=employer, user=request.user, contact=contact, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The contact person has been saved."))
            return redirect("portal:company")
    return _render(
        request,
        "portal/contact_form.html",
        {"form": form, "contact": contact},
        status=400 if form.errors else 200,
    )


# --- Openings -------------------------------------------------------------------------------
@company_required
@require_GET
def openings(request):
    qs = (
        portal_openings(request.user, request.employer)
        .prefetch_related("competences")
        .order_by("status", "-created_at")
    )
    return _render(request, "portal/openings.html", {"openings": qs})


@company_required
@require_http_methods(["GET", "POST"])
def opening_create(request):
    return _opening_form(request, None)


@company_required
@require_http_methods(["GET", "POST"])
def opening_edit(request, pk):
    opening = portal_opening_for_user(request.user, request.employer, pk)
    return _opening_form(request, opening)


def _opening_form(request, opening):
    """Post a new offer or correct one: the staff's rules and service (employers.services)."""
    form = OpeningForm(
        request.POST or None,
        instance=opening,
        initial=None if opening else {"kind": request.GET.get("kind")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if opening is None:
                services.company_opening_create(
                    employer=request.employer, user=request.user, **data
                )
                messages.success(request, _("Your offer has been posted."))
            else:
                services.company_opening_update(opening=opening, user=request.user, **data)
                messages.success(request, _("Your offer has been changed."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("portal:openings")
    return _render(
        request,
        "portal/opening_form.html",
        {"form": form, "opening": opening},
        status=400 if form.errors else 200,
    )


@company_required
@require_POST
def opening_close(request, pk):
    opening = portal_opening_for_user(request.user, request.employer, pk)
    try:
        services.company_opening_close(
            opening=opening, user=request.user, filled=request.POST.get("filled") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” is closed.") % {"title": opening.title})
    return redirect("portal:openings")


@company_required
@require_POST
def opening_reopen(request, pk):
    opening = portal_opening_for_user(request.user, request.employer, pk)
    try:
        services.company_opening_reopen(opening=opening, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(title)s” is open again.") % {"title": opening.title})
    return redirect("portal:openings")


# --- Candidates -----------------------------------------------------------------------------
@company_required
@require_GET
def candidates(request):
    qs = candidate_queryset(portal_proposals(request.user, request.employer))
    show = request.GET.get("show", "pending")
    if show == "pending":
        qs = qs.filter(answer=ProposalAnswer.PENDING)
    else:
        show = "all"
    page = paginate(request, qs)
    profiles = [anonymised_profile(p) for p in page.object_list]
    return _render(
        request, "portal/candidates.html", {"page": page, "profiles": profiles, "show": show}
    )


@company_required
@require_http_methods(["GET", "POST"])
def candidate(request, pk):
    proposal = portal_proposal_for_user(request.user, request.employer, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_answer(
                proposal=proposal,
                user=request.user,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you, your answer has been sent to Baanbrekers."))
            return redirect("portal:candidate", pk=proposal.pk)
    proposal = candidate_queryset(portal_proposals(request.user, request.employer)).get(
        pk=proposal.pk
    )
    return _render(
        request,
        "portal/candidate.html",
        {"profile": anonymised_profile(proposal), "form": form},
        status=400 if form.errors else 200,
    )


# --- Placements -----------------------------------------------------------------------------
@company_required
@require_GET
def placements(request):
    qs = portal_placements(request.user, request.employer).order_by("-start_date", "-id")
    return _render(request, "portal/placements.html", {"placements": qs})


@company_required
@require_http_methods(["GET", "POST"])
def placement(request, pk):
    placement = portal_placement_for_user(request.user, request.employer, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    checkin_form = CheckInForm(request.POST if action == "checkin" else None, prefix="checkin")
    evaluation_form = EvaluationForm(
        request.POST if action == "evaluation" else None, prefix="evaluation"
    )
    paid_form = PaidWorkForm(request.POST if action == "paid_work" else None, prefix="paid")
    form = {"checkin": checkin_form, "evaluation": evaluation_form, "paid_work": paid_form}.get(
        action
    )
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "checkin":
                services.placement_checkin(placement=placement, user=request.user, **data)
                messages.success(request, _("The check-in has been saved."))
            elif action == "evaluation":
                services.placement_evaluate(placement=placement, user=request.user, **data)
                messages.success(request, _("The evaluation has been saved."))
            else:
                services.paid_work_answer_record(placement=placement, user=request.user, **data)
                messages.success(request, _("Thank you for letting us know."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("portal:placement", pk=placement.pk)
    evaluations = list(placement.evaluations.all())
    done = {(e.moment, e.evaluator) for e in evaluations}
    open_moments = [
        (value, label)
        for value, label in EvaluationMoment.choices
        if (value, Evaluator.SUPERVISOR) not in done
    ]
    evaluation_form.fields["moment"].choices = open_moments
    actions = allowed_actions(placement, request.user)
    return _render(
        request,
        "portal/placement.html",
        {
            "placement": placement,
            "checkins": placement.checkins.all(),
            "evaluations": evaluations,
            "checkin_form": checkin_form,
            "evaluation_form": evaluation_form,
            "paid_form": paid_form,
            "open_moments": open_moments,
            # What the supervisor may do here: the placements' one transitions table.
            "may_record": "checkin" in actions,
            "may_evaluate": "evaluation" in actions,
            "ask_paid_work": "paid_work_answer" in actions,
            "paid_work_answer": getattr(placement, "paid_work_answer", None),
            "days_left": (placement.planned_end_date - timezone.localdate()).days,
        },
        status=400 if form is not None and form.errors else 200,
    )


@company_required
@require_http_methods(["GET", "POST"])
def evaluation_correct(request, pk, evaluation_pk):
    """The supervisor corrects an evaluation within the correction period."""
    placement = portal_placement_for_user(request.user, request.employer, pk)
    evaluation = get_visible_or_404(
        placement.evaluations.filter(evaluator=Evaluator.SUPERVISOR), evaluation_pk
    )
    initial = {
        "held_on": evaluation.held_on,
        "progress": evaluation.progress,
        "rating": evaluation.rating,
        "next_steps": evaluation.next_steps,
    }
    form = EvaluationCorrectionForm(request.POST or None, initial=initial, prefix="evaluation")
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_evaluation_correct(
                evaluation=evaluation, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The evaluation has been corrected."))
            return redirect("portal:placement", pk=placement.pk)
    return _render(
        request,
        "portal/evaluation_form.html",
        {"form": form, "placement": placement, "evaluation": evaluation},
        status=400 if form.errors else 200,
    )


# --- Tip a colleague ------------------------------------------------------------------------
@company_required
@require_http_methods(["GET", "POST"])
def referral(request):
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_referral_submit(
                employer=request.employer, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you for the tip! We will get in touch with them."))
            return redirect("portal:referral")
    tips = request.employer.referrals_made.order_by("-created_at")[:20]
    return _render(
        request,
        "portal/referral.html",
        {"form": form, "tips": tips},
        status=400 if form.errors else 200,
    )


# --- Impact ---------------------------------------------------------------------------------
def _impact_for_request(request) -> tuple[ImpactPeriodForm, Impact]:
    """The period asked for (``?year=``) and the figures for it; a year outside the company's
    years gets a message next to the selector and the figures since the first activity."""
    form = ImpactPeriodForm(request.GET or None, years=company_impact_years(request.employer))
    return form, company_impact(
        request.employer, year=form.chosen_year() if form.is_bound else None
    )


@company_required
@require_GET
def impact(request):
    form, impact = _impact_for_request(request)
    return _render(
        request,
        "portal/impact.html",
        {"impact": impact, "period_form": form},
        status=400 if form.errors else 200,
    )


@company_required
@require_GET
def impact_pdf(request):
    _form, impact = _impact_for_request(request)
    try:
        content = impact_statement_pdf(impact)
    except PdfUnavailable:
        # The platform runs without the PDF engine's system libraries (baanbrekers.pdf).
        return _render(
            request,
            "portal/pdf_unavailable.html",
            {"back_url": reverse("portal:impact")},
            status=503,
        )
    response = HttpResponse(content, content_type="application/pdf")
    period = str(impact.year) if impact.year else "totaal"
    filename = f"impact-{request.employer.kvk_number}-{period}-{impact.as_of:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Visits ---------------------------------------------------------------------------------
@company_required
@require_GET
def visits(request):
    upcoming, past = split_visits(portal_visits(request.user, request.employer))
    return _render(request, "portal/visits.html", {"upcoming": upcoming, "past": past})


@company_required
@require_GET
def visits_ics(request):
    qs = (
        portal_visits(request.user, request.employer)
        .select_related("employer", "host")
        .prefetch_related("staff__user")
    )
    body = visits_calendar(qs, name=_("Visits to %(name)s") % {"name": request.employer.trade_name})
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bedrijfsbezoeken.ics"'
    return response


# --- Back office: invitations and claims ----------------------------------------------------
@back_office_required
@require_GET
def staff_requests(request):
    """Claims waiting for a decision and recent invitations, in the caseworker's region."""
    claims = (
        claims_to_decide(request.user)
        .filter(status=ClaimStatus.PENDING)
        .select_related("employer", "user")
        .order_by("created_at")
    )
    invitations = invitations_for_user(request.user).select_related("employer", "invited_by")[:50]
    return render(
        request,
        "portal/staff_requests.html",
        {"claims": claims, "invitations": invitations, "decline_form": DeclineClaimForm()},
    )


@back_office_required
@require_POST
def staff_claim_decide(request, pk):
    claim = claim_for_user(request.user, pk)
    if request.POST.get("decision") == "approve":
        try:
            contact = services.claim_approve(claim=claim, decided_by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("portal:staff_requests")
        messages.success(
            request,
            _("%(user)s now represents %(employer)s.")
            % {"user": claim.user.email, "employer": contact.employer.trade_name},
        )
    else:
        form = DeclineClaimForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why you decline, so the person knows what to do."))
            return redirect("portal:staff_requests")
        services.claim_decline(
            claim=claim, decided_by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The request has been declined."))
    return redirect("portal:staff_requests")


@back_office_required
@require_GET
def staff_invite_find(request):
    """From a KvK number to the invitation form of that employer (if in the user's region)."""
    kvk = (request.GET.get("kvk") or "").strip()
    employer = employer_to_invite_by_kvk(request.user, kvk)
    if employer is None:
        messages.error(request, _("No employer with this KvK number in your municipalities."))
        return redirect("portal:staff_requests")
    return redirect("portal:staff_invite", employer_pk=employer.pk)


@back_office_required
@require_http_methods(["GET", "POST"])
def staff_invite(request, employer_pk):
    employer = employer_to_invite_for(request.user, employer_pk)
    form = InvitationForm(request.POST or None, employer=employer)
    if request.method == "POST" and form.is_valid():
        services.invitation_create(
            employer=employer,
            invited_by=request.user,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            contact=form.cleaned_data["contact"],
        )
        messages.success(
            request,
            _("An invitation has been emailed to %(email)s.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("portal:staff_requests")
    return render(
        request,
        "portal/staff_invite.html",
        {"form": form, "employer": employer},
        status=400 if form.errors else 200,
    )
