"""One small world for the role x route matrix (tests/baanbrekers/test_route_matrix.py).

Every record a URL can point at exists once, in Heusden (the *record's* municipality), with a
second company in Waalwijk whose contact plays "another company's contact". The named users are
the ones of tests/users.py, made with the same ``make_user``.

Built with the models' managers and the apps' services, not with an app's test factories: the
matrix must not change when those factories do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from baanbrekers.models import Municipality, Role, User
from employers.models import ContactMoment, Employer, EmployerContact, Opening, Referral
from jobseekers.models import Consent, ConsentKind, JobSeeker, JobSeekerNote
from placements.models import (
    BuddyPairing,
    DevelopmentPlacement,
    Evaluation,
    JobOutcome,
    Proposal,
)
from portal.models import CompanyClaim
from tests.users import make_user
from visits.models import Visit, VisitAction, VisitSignUp, VisitStaff

# The roles of the matrix, in the order of the table's columns.
ROLES = (
    "anonymous",
    "caseworker_heusden",
    "caseworker_waalwijk",
    "coordinator",
    "alderman",
    "employer_contact_a",
    "employer_contact_b",
)

# The first eight digits of a BSN; the ninth is computed so that it passes the eleven-test.
_BSN_HEAD = "11122233"


def _bsn(head: str = _BSN_HEAD) -> str:
    total = sum(int(d) * w for d, w in zip(head, range(9, 1, -1), strict=True))
    check = total % 11
    assert check < 10, "pick another head: this one has no eleven-test check digit"
    return head + str(check)


@dataclass
class World:
    """What the matrix fills URL kwargs from: ids, tokens and literal path values by name."""

    users: dict[str, User | None]
    values: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, name: str) -> object:
        return self.values[name]


def build_world() -> World:
    today = timezone.localdate()
    now = timezone.now()
    heusden = Municipality.objects.get_or_create(cbs_code="GM0797", defaults={"name": "Heusden"})[0]
    loon_op_zand = Municipality.objects.get_or_create(
        cbs_code="GM0809", defaults={"name": "Loon op Zand"}
    )[0]
    waalwijk = Municipality.objects.get_or_create(cbs_code="GM0867", defaults={"name": "Waalwijk"})[
        0
    ]

    # The named users (tests/users.py, the same e-mail addresses and roles).
    caseworker_heusden = make_user(
        "karin@heusden.example.org", Role.CASEWORKER, [heusden], first_name="Karin"
    )
    caseworker_waalwijk = make_user(
        "wouter@waalwijk.example.org", Role.CASEWORKER, [waalwijk], first_name="Wouter"
    )
    coordinator = make_user(
        "cor@example.org",
        Role.COORDINATOR,
        [heusden, loon_op_zand, waalwijk],
        first_name="Cor",
        is_staff=True,
    )
    alderman = make_user("wim@heusden.example.org", Role.ALDERMAN, [heusden], first_name="Wim")
    employer_contact_a = make_user(
        "eva@bakkerij.example.org", Role.EMPLOYER_CONTACT, first_name="Eva"
    )
    employer_contact_b = make_user(
        "bram@metaal.example.org", Role.EMPLOYER_CONTACT, first_name="Bram"
    )
    # Someone who asked to represent the Heusden company (a pending claim to decide).
    claimant = make_user("nieuw@bakkerij.example.org", Role.EMPLOYER_CONTACT, first_name="Nina")

    # The record's company, in Heusden, with its portal contact; another company in Waalwijk.
    employer = Employer.objects.create(
        kvk_number="12345678",
        trade_name="Bakkerij Van Aken",
        street_address="Molenstraat 12",
        postcode="5251 AB",
        city="Vlijmen",
        municipality=heusden,
        story_what="Brood en banket voor de Langstraat.",
        relationship_owner=caseworker_heusden,
    )
    contact_a = EmployerContact.objects.create(
        employer=employer,
        user=employer_contact_a,
        name="Eva Bakker",
        email=employer_contact_a.email,
    )
    other_employer = Employer.objects.create(
        kvk_number="87654321",
        trade_name="Metaal Brouwer",
        postcode="5141 AA",
        city="Waalwijk",
        municipality=waalwijk,
    )
    EmployerContact.objects.create(
        employer=other_employer, user=employer_contact_b, name="Bram Brouwer"
    )
    opening = Opening.objects.create(
        employer=employer, kind="vacancy", title="Inpakker broodafdeling", hours_per_week=24
    )
    referral = Referral.objects.create(
        referring_employer=employer,
        company_name="Slagerij De Vries",
        kvk_number="11223344",
        postcode="5251 CD",
        need="Zoekt een hulp in de winkel.",
    )
    contact_moment = ContactMoment.objects.create(
        employer=employer, happened_at=now, kind="phone", summary="Gebeld over de vacature."
    )

    # The job seeker, in Heusden, with the consents the portal and visits need.
    jobseeker = JobSeeker(
        first_name="Fatima",
        last_name="Zwanenburg",
        birth_date=datetime.date(1985, 5, 17),
        postcode="5251 AB",
        municipality=heusden,
        caseworker=caseworker_heusden,
        hours_available=24,
    )
    jobseeker.set_bsn(_bsn())
    jobseeker.save()
    consents = {
        kind: Consent.objects.create(
            jobseeker=jobseeker,
            kind=kind,
            given_on=today - datetime.timedelta(days=10),
            valid_until=today + datetime.timedelta(days=300),
        )
        for kind in (ConsentKind.SHARE_PROFILE, ConsentKind.INTRODUCTION, ConsentKind.JOIN_VISITS)
    }
    JobSeekerNote.objects.create(jobseeker=jobseeker, text="Kennismakingsgesprek gehad.")

    # The pipeline: a proposal, an active placement, a job and a buddy pair.
    proposal = Proposal.objects.create(
        jobseeker=jobseeker,
        opening=opening,
        proposed_by=caseworker_heusden,
        motivation="Werkt nauwkeurig.",
    )
    placement = DevelopmentPlacement.objects.create(
        jobseeker=jobseeker,
        employer=employer,
        opening=opening,
        proposal=proposal,
        supervisor=contact_a,
        caseworker=caseworker_heusden,
        start_date=today - datetime.timedelta(days=30),
        planned_end_date=today + datetime.timedelta(days=60),
        hours_per_week=24,
        learning_goals="Werken in een team",
        insurance_arranged=True,
        no_displacement_confirmed=True,
        status="active",
        created_by=caseworker_heusden,
    )
    # The supervisor's mid-term evaluation, filed today by the company's contact (correctable).
    evaluation = Evaluation.objects.create(
        placement=placement,
        moment="midterm",
        evaluator="supervisor",
        held_on=today,
        progress="Gaat goed",
        recorded_by=employer_contact_a,
    )
    job = JobOutcome.objects.create(
        jobseeker=jobseeker,
        employer=employer,
        contract_type="fixed_term",
        hours_per_week=32,
        start_date=today,
        route="placement",
        placement=placement,
        recorded_by=caseworker_heusden,
    )
    buddy = BuddyPairing.objects.create(
        jobseeker=jobseeker,
        buddy_name="Henk de Ondernemer",
        buddy_employer=employer,
        goals="Netwerk opbouwen",
        start_date=today - datetime.timedelta(days=20),
        caseworker=caseworker_heusden,
    )

    # A visit to the company that the alderman and the caseworker join, the job seeker signed up.
    visit = Visit.objects.create(
        employer=employer,
        starts_at=now + datetime.timedelta(days=7),
        purpose="Kennismaken met de bakkerij.",
        planned_by=caseworker_heusden,
    )
    VisitStaff.objects.create(visit=visit, user=caseworker_heusden)
    VisitStaff.objects.create(visit=visit, user=alderman)
    VisitSignUp.objects.create(visit=visit, jobseeker=jobseeker, signed_up_by=caseworker_heusden)
    visit_action = VisitAction.objects.create(
        visit=visit, what="Vacature uitwerken", owner=caseworker_heusden, due_on=today
    )

    # A follow-up for the caseworker, scheduled through the engine as the rules do.
    from baanbrekers.followups import followup_schedule
    from employers.followup_rules import KIND_EMPLOYER_NO_CONTACT

    followup = followup_schedule(
        kind=KIND_EMPLOYER_NO_CONTACT,
        subject=employer,
        due_on=today,
        params={
            "employer": str(employer),
            "days": 90,
            "date": (today - datetime.timedelta(days=90)).strftime("%d-%m-%Y"),
            "never": False,
        },
        assignee=caseworker_heusden,
        municipality=heusden,
    )

    # The portal's records: an invitation (its secret token is only known here) and a claim.
    from portal import services as portal_services
    from visits import services as visit_services

    _invitation, invitation_token = portal_services.invitation_create(
        employer=employer,
        name="Nina Nieuw",
        email="nina@bakkerij.example.org",
        invited_by=caseworker_heusden,
    )
    claim = CompanyClaim.objects.create(
        user=claimant, employer=employer, kvk_number=employer.kvk_number
    )
    feed = visit_services.calendar_token_get(user=alderman)
    # A personal API token of the record's caseworker (its page revokes one's own only).
    from knox.models import AuthToken

    from baanbrekers.api.models import ApiToken
    from baanbrekers.api.tokens import api_token_grant

    api_token = ApiToken.objects.create(
        knox_token=AuthToken.objects.create(user=caseworker_heusden)[0],
        name="matrix",
        grant=api_token_grant(caseworker_heusden),
    )

    # An import checked with one error row (issue 16): its confirmation is refused, so a POST
    # changes nothing; the coordinator's, as imports are.
    from imports.models import ImportJob, ImportKind, ImportStatus

    import_job = ImportJob.objects.create(
        kind=ImportKind.EMPLOYERS,
        status=ImportStatus.READY,
        filename="werkgevers.csv",
        file_format="csv",
        headers=["KvK", "Naam", "Postcode"],
        mapping={"KvK": "kvk_number", "Naam": "trade_name", "Postcode": "postcode"},
        total_rows=2,
        processed_rows=2,
        counts={"create": 1, "update": 0, "skip": 0, "error": 1},
        created_by=coordinator,
    )

    # Statistics: the roll-up over everything above.
    from stats.services import figures_rebuild

    figures_rebuild(as_of=today)

    return World(
        users={
            "anonymous": None,
            "caseworker_heusden": caseworker_heusden,
            "caseworker_waalwijk": caseworker_waalwijk,
            "coordinator": coordinator,
            "alderman": alderman,
            "employer_contact_a": employer_contact_a,
            "employer_contact_b": employer_contact_b,
        },
        values={
            "employer": employer.pk,
            "other_employer": other_employer.pk,
            "employer_contact": contact_a.pk,
            "contact_moment": contact_moment.pk,
            "opening": opening.pk,
            "referral": referral.pk,
            "jobseeker": jobseeker.pk,
            "consent": consents[ConsentKind.SHARE_PROFILE].pk,
            "proposal": proposal.pk,
            "placement": placement.pk,
            "evaluation": evaluation.pk,
            "job": job.pk,
            "buddy": buddy.pk,
            "visit": visit.pk,
            "visit_action": visit_action.pk,
            "alderman_user": alderman.pk,
            "followup": followup.pk,
            "claim": claim.pk,
            "invitation_token": invitation_token,
            "feed_token": feed.token,
            "api_token": api_token.public_id,
            "import_job": import_job.pk,
            # Literal path values: an export format and a placement action that needs a form
            # (so an empty POST is refused by the form and changes nothing).
            "export_format": "csv",
            "placement_action": "checkin",
            "board_action": "complete",  # the board's move of an active placement
        },
    )
