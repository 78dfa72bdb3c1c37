"""Who sees what in the employer portal (DESIGN.md section 4), in one place.

A portal user works for one company at a time: the *current company*, kept in the session and
checked against the user's links (``EmployerContact.user``) on every request, so a link removed
by a caseworker takes effect at once and a forged session value shows nothing. Everything the
portal shows is scoped to that company through the lower apps' ``visible_to`` QuerySet methods,
which give an employer contact their narrow view.

Back-office users never use the portal's company pages (403); portal users never reach the back
office (the other apps' helpers give them nothing). The two staff pages here (invitations and
claims to decide) are scoped to the caseworker's municipalities.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from baanbrekers.access import (
    get_visible_or_404,
    is_employer_contact,
    sees_all_municipalities,
    works_in_back_office,
)
from baanbrekers.models import User
from employers.models import Employer, Opening
from placements.models import DevelopmentPlacement, JobOutcome, Proposal
from visits.models import Visit

from .models import ClaimStatus, CompanyClaim, Invitation

CURRENT_EMPLOYER_KEY = "portal_employer_id"


def is_portal_user(user: User) -> bool:
    return is_employer_contact(user)


def portal_employers(user: User) -> QuerySet[Employer]:
    """The companies this portal user represents (linked, so approved or invited)."""
    if not is_portal_user(user):
        return Employer.objects.none()
    return Employer.objects.visible_to(user)


def current_employer(request: HttpRequest) -> Employer | None:
    """The company the user works for right now: the one chosen in the session if still linked,
    else the first linked one; None when the user represents no company (yet)."""
    companies = portal_employers(request.user).select_related("municipality")
    chosen = request.session.get(CURRENT_EMPLOYER_KEY)
    employer = None
    if chosen is not None:
        try:
            employer = companies.filter(pk=int(chosen)).first()
        except (TypeError, ValueError):
            employer = None
    if employer is None:
        employer = companies.order_by("trade_name", "pk").first()
        if employer is None:
            request.session.pop(CURRENT_EMPLOYER_KEY, None)
        else:
            request.session[CURRENT_EMPLOYER_KEY] = employer.pk
    return employer


def switch_employer(request: HttpRequest, pk) -> Employer:
    """Makes another of the user's own companies the current one; 404 for any other company."""
    employer = get_visible_or_404(portal_employers(request.user), pk)
    request.session[CURRENT_EMPLOYER_KEY] = employer.pk
    return employer


# The company pages show one company's rows, as the lower apps' ``visible_to`` allows an
# employer contact to see them (proposals only with a valid share-profile consent). Back-office
# users see nothing here even for their own region: the portal is not their window.
def _of_company(qs: QuerySet, user: User, employer: Employer, field: str = "employer"):
    if not is_portal_user(user):
        return qs.none()
    return qs.visible_to(user).filter(**{field: employer})


def portal_openings(user: User, employer: Employer) -> QuerySet[Opening]:
    return _of_company(Opening.objects.all(), user, employer)


def portal_opening_for_user(user: User, employer: Employer, pk) -> Opening:
    return get_visible_or_404(portal_openings(user, employer), pk)


def portal_proposals(user: User, employer: Employer) -> QuerySet[Proposal]:
    """Proposals to this company for people who consent to sharing an anonymised profile."""
    return _of_company(Proposal.objects.all(), user, employer, "opening__employer").select_related(
        "opening", "opening__employer", "jobseeker"
    )


def portal_proposal_for_user(user: User, employer: Employer, pk) -> Proposal:
    return get_visible_or_404(portal_proposals(user, employer), pk)


def portal_placements(user: User, employer: Employer) -> QuerySet[DevelopmentPlacement]:
    return _of_company(DevelopmentPlacement.objects.all(), user, employer).select_related(
        "jobseeker", "employer", "supervisor"
    )


def portal_placement_for_user(user: User, employer: Employer, pk) -> DevelopmentPlacement:
    return get_visible_or_404(portal_placements(user, employer), pk)


def portal_jobs(user: User, employer: Employer) -> QuerySet[JobOutcome]:
    """Paid jobs at this company (their "still working?" checks are answered here)."""
    return _of_company(JobOutcome.objects.all(), user, employer).select_related("jobseeker")


def portal_job_for_user(user: User, employer: Employer, pk) -> JobOutcome:
    return get_visible_or_404(portal_jobs(user, employer), pk)


def portal_visits(user: User, employer: Employer) -> QuerySet[Visit]:
    """The visits to this company (the visit itself; never who comes)."""
    return _of_company(Visit.objects.all(), user, employer)


# --- Back office: linking people to companies -----------------------------------------------
def may_manage_portal_access(user: User) -> bool:
    return works_in_back_office(user)


def _employers_to_manage(user: User) -> QuerySet[Employer]:
    """The back office's own employers (an employer contact manages no one's access)."""
    if not may_manage_portal_access(user):
        return Employer.objects.none()
    return Employer.objects.visible_to(user)


def claims_to_decide(user: User) -> QuerySet[CompanyClaim]:
    """Claims on companies in the caseworker's municipalities (all for coordinators), and for
    coordinators also the requests with a KvK number no registered company has (no
    municipality yet: the region's coordinators register the company)."""
    known = Q(employer__in=_employers_to_manage(user))
    if sees_all_municipalities(user):
        return CompanyClaim.objects.filter(known | Q(employer__isnull=True))
    return CompanyClaim.objects.filter(known)


def claim_for_user(user: User, pk) -> CompanyClaim:
    return get_visible_or_404(
        claims_to_decide(user)
        .filter(status=ClaimStatus.PENDING)
        .select_related("employer", "user"),
        pk,
    )


def invitations_for_user(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(employer__in=_employers_to_manage(user))


def employer_to_invite_for(user: User, pk) -> Employer:
    """A company the caseworker may invite people for: one of their own region."""
    return get_visible_or_404(_employers_to_manage(user), pk)


def employer_to_invite_by_kvk(user: User, kvk_number: str) -> Employer | None:
    """The company with this KvK number, if the caseworker may invite people for it."""
    return _employers_to_manage(user).filter(kvk_number=kvk_number).first()
