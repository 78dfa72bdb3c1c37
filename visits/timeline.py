"""The visits' part of the job seeker's and the employer's file: visits joined, clicks, and the
next step "sign up for a visit" / "plan a visit". Registered in VisitsConfig.ready().

Each function runs a fixed number of queries within ``Visit.objects.visible_to(user)``.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from baanbrekers.models import User
from baanbrekers.timeline import FileAction, FileEntry, choice_label, user_name_fields
from employers.models import Employer
from jobseekers.models import ConsentKind, JobSeeker

from .access import can_manage_visits, visible_visits
from .models import Click, VisitSignUp, VisitStatus
from .selectors import signup_count

SIGNUP_CHOICES = 5


def _visit_title(visit) -> str:
    if visit.status == VisitStatus.CANCELLED:
        return _("Visit to %(employer)s (cancelled)") % {"employer": visit.employer}
    return _("Visit to %(employer)s") % {"employer": visit.employer}


# What an entry shows of a visit (its page needs only the id): a timeline reads no more columns
# than it shows (the employer's story, a user's password hash), which also makes its
# statements cheaper to compose.
_VISIT_SHOWN = ("visit__starts_at", "visit__status", "visit__employer__trade_name")


# --- The job seeker's file ---------------------------------------------------------------------
def jobseeker_entries(jobseeker: JobSeeker, user: User) -> Iterator[FileEntry]:
    visits = visible_visits(user)
    signups = (
        VisitSignUp.objects.filter(jobseeker=jobseeker, visit__in=visits)
        .select_related("visit__employer", "signed_up_by")
        .only(*_VISIT_SHOWN, *user_name_fields("signed_up_by"))
    )
    for signup in signups:
        visit = signup.visit
        yield FileEntry(
            at=visit.starts_at,
            kind="visit",
            title=_visit_title(visit),
            url=visit.get_absolute_url(),
            author=str(signup.signed_up_by) if signup.signed_up_by else "",
            state=choice_label(visit, "status"),
        )
    clicks = (
        Click.objects.filter(jobseeker=jobseeker, visit__in=visits)
        .select_related("visit__employer", "created_by")
        .only("note", *_VISIT_SHOWN, *user_name_fields("created_by"))
    )
    for click in clicks:
        yield FileEntry(
            at=click.visit.starts_at,
            kind="click",
            title=_("Click with %(employer)s") % {"employer": click.visit.employer},
            url=click.visit.get_absolute_url(),
            text=click.note,
            author=str(click.created_by) if click.created_by else "",
        )


def jobseeker_actions(jobseeker: JobSeeker, user: User) -> Iterator[FileAction]:
    """Sign up for one of the coming visits with a free place. The sign-up service checks the
    consent and the capacity again; this only avoids offering what cannot work."""
    if not can_manage_visits(user):
        return
    # The places taken as a subquery (selectors.signup_count), not a join with COUNT: the
    # GROUP BY made PostgreSQL gather and count every coming visit the user sees (some 700 of
    # 15,000 in the country) before it could take the first few.
    coming = list(
        visible_visits(user)
        .upcoming(timezone.now())
        .exclude(signups__jobseeker=jobseeker)
        .annotate(taken=signup_count())
        .select_related("employer")
        .only("starts_at", "capacity", "employer__trade_name")
        .order_by("starts_at")[: SIGNUP_CHOICES * 3]
    )
    open_visits = [v for v in coming if v.taken < v.capacity][:SIGNUP_CHOICES]
    # The file page has the person's consents at hand already (its consents table).
    today = timezone.localdate()
    consenting = any(
        consent.kind == ConsentKind.JOIN_VISITS and consent.is_valid_on(today)
        for consent in jobseeker.consents.all()
    )
    yield FileAction(
        key="visit_signup",
        label=_("Sign up for a visit"),
        template="visits/_file_signup.html",
        context={
            "visits": [(v, v.capacity - v.taken) for v in open_visits],
            "jobseeker": jobseeker,
            "consenting": consenting,
        },
        order=20,
    )


# --- The employer's file -----------------------------------------------------------------------
def employer_entries(employer: Employer, user: User) -> Iterator[FileEntry]:
    visits = visible_visits(user).filter(employer=employer)
    for visit in visits.only("starts_at", "status", "purpose", "employer"):
        visit.employer = employer  # the file's own: no join for its name
        yield FileEntry(
            at=visit.starts_at,
            kind="visit",
            title=_visit_title(visit),
            url=visit.get_absolute_url(),
            text=visit.purpose,
            state=choice_label(visit, "status"),
        )
    # Names only of the people the user may see; others by their initials.
    clicks = (
        Click.objects.filter(visit__in=visits)
        .select_related("visit", "jobseeker")
        .only(
            "note",
            "visit__starts_at",
            "jobseeker__first_name",
            "jobseeker__last_name",
            "jobseeker__anonymised_on",
        )
        .annotate(
            named=Exists(JobSeeker.objects.visible_to(user).filter(pk=OuterRef("jobseeker_id")))
        )
    )
    for click in clicks:
        person = click.jobseeker
        yield FileEntry(
            at=click.visit.starts_at,
            kind="click",
            title=_("Click with %(name)s")
            % {"name": str(person) if click.named else person.initials_name},
            url=(
                reverse("jobseekers:detail", args=[person.pk])
                if click.named
                else click.visit.get_absolute_url()
            ),
            text=click.note,
        )


def employer_actions(employer: Employer, user: User) -> Iterator[FileAction]:
    if can_manage_visits(user):
        yield FileAction(
            key="visit_plan",
            label=_("Plan a visit"),
            url=f"{reverse('visits:plan')}?employer={employer.pk}",
            order=20,
        )


def register() -> None:
    from employers.timeline import employer_file
    from jobseekers.timeline import jobseeker_file

    jobseeker_file.register(entries=jobseeker_entries, actions=jobseeker_actions)
    employer_file.register(entries=employer_entries, actions=employer_actions)
