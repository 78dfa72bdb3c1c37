"""``manage.py seed_scale --size tiny``: counts, idempotence, consistency, pages over the data."""

import datetime

import pytest
from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from baanbrekers import crypto
from baanbrekers.models import Municipality, Role
from baanbrekers.validators import bsn_passes_eleven_test
from employers.models import Employer
from jobseekers.models import Consent, JobSeeker
from placements.models import DevelopmentPlacement, Evaluation, JobCheck, JobOutcome, Proposal
from placements.services import add_months
from stats.scale.plan import counts_for, municipalities
from tests.users import make_user
from visits.models import VisitSignUp

from .conftest import TABLES, fingerprint, seed

pytestmark = pytest.mark.django_db
TINY = counts_for("tiny")


def test_tiny_set_has_the_planned_counts(tiny):
    assert Municipality.objects.count() >= len(municipalities()) >= 341
    assert tiny["jobseekers_jobseeker"] == TINY["jobseekers"] == 100
    assert tiny["employers_employer"] == TINY["employers"] == 60
    assert tiny["employers_employercontact"] == 60
    assert tiny["employers_opening"] == 120
    assert tiny["visits_visit"] == TINY["visits"] == 100
    # Drawn per person: near their targets, not exactly.
    assert (
        0.6 * TINY["placements"]
        <= tiny["placements_developmentplacement"]
        <= 1.5 * TINY["placements"]
    )
    assert 0.5 * TINY["jobs"] <= tiny["placements_joboutcome"] <= 1.5 * TINY["jobs"]
    assert 0.4 * TINY["buddies"] <= tiny["placements_buddypairing"] <= 2 * TINY["buddies"]
    notes_and_audit = tiny["jobseekers_jobseekernote"] + tiny["baanbrekers_auditevent"]
    assert 0.7 * TINY["notes_and_audit"] <= notes_and_audit <= 1.3 * TINY["notes_and_audit"]
    for table in (
        "visits_visitsignup",
        "placements_evaluation",
        "placements_jobcheck",
        "placements_buddymeeting",
        "jobseekers_consent",
        "visits_visitstaff",
    ):
        assert tiny[table] > 0, table


def test_second_run_adds_nothing(tiny):
    output = seed()
    assert "0 to write" in output
    assert fingerprint() == tiny


def test_another_size_is_refused_in_the_same_database(tiny):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="tiny"):
        call_command("seed_scale", size="region")


def test_bsns_decrypt_pass_the_eleven_test_and_are_found_by_their_hash(tiny):
    people = list(JobSeeker.objects.all())
    bsns = {crypto.decrypt(p.bsn_encrypted) for p in people}
    assert len(bsns) == len(people)
    assert all(bsn_passes_eleven_test(b) for b in bsns)
    person = people[0]
    assert JobSeeker.objects.with_bsn(person.reveal_bsn()).get() == person


def test_people_and_employers_pass_model_validation(tiny):
    for person in JobSeeker.objects.all()[:25]:
        person.full_clean()
    for employer in Employer.objects.all()[:25]:
        employer.full_clean()


def test_status_follows_placements_and_jobs(tiny):
    today = timezone.localdate()
    people = JobSeeker.objects.annotate(
        running=Count("placements", filter=Q(placements__status="active"), distinct=True),
        open_jobs=Count("jobs", filter=Q(jobs__end_date__isnull=True), distinct=True),
    )
    seen = set()
    for person in people:
        seen.add(person.status)
        assert (person.status == "in_placement") == (person.running == 1), person.pk
        if person.status == "working":
            assert person.open_jobs >= 1, person.pk
        if person.status == "active":
            assert person.open_jobs == 0, person.pk
        assert (person.status == "left") == (person.left_on is not None), person.pk
        if person.left_on:
            assert person.left_on <= today
    assert {"active", "in_placement", "working"} <= seen


def test_placements_follow_the_state_machine(tiny):
    today = timezone.localdate()
    for placement in DevelopmentPlacement.objects.all():
        if placement.status in ("active", "completed") or placement.started_on:
            assert placement.no_displacement_confirmed and placement.started_on
        if placement.status in ("completed", "ended_early"):
            assert placement.ended_on
        if placement.status in ("proposed", "agreed"):
            assert placement.start_date > today and not placement.started_on
        assert placement.extension_count <= settings.PLACEMENT_MAX_EXTENSIONS
    for evaluation in Evaluation.objects.select_related("placement"):
        p = evaluation.placement
        assert p.started_on <= evaluation.held_on <= (p.ended_on or today)


def test_placements_are_at_employers_near_home(tiny):
    with_employers = set(Employer.objects.values_list("municipality", flat=True))
    for placement in DevelopmentPlacement.objects.select_related("jobseeker", "employer"):
        home = placement.jobseeker.municipality_id
        if home in with_employers:
            assert placement.employer.municipality_id == home


def _consenting(person_id, kind, day):
    return (
        Consent.objects.filter(
            jobseeker_id=person_id, kind=kind, given_on__lte=day, valid_until__gte=day
        )
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        .exists()
    )


def test_signups_and_proposals_only_with_consent(tiny):
    for signup in VisitSignUp.objects.select_related("visit"):
        day = timezone.localdate(signup.visit.starts_at)
        assert _consenting(signup.jobseeker_id, "join_visits", day)
    for proposal in Proposal.objects.all():
        day = timezone.localdate(proposal.proposed_at)
        assert _consenting(proposal.jobseeker_id, "share_profile", day)


def test_nothing_is_recorded_after_the_data_set_was_made(tiny):
    """Only appointments (a planned visit's start) lie ahead: a sign-up, report or answer dated
    in the future would look changed to every incremental roll-up until that day came."""
    from django.apps import apps
    from django.db.models import DateTimeField, Max

    today_start = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time())
    )
    checked = 0
    for model in apps.get_models():
        if model._meta.db_table not in TABLES:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, DateTimeField) and field.name != "starts_at":
                latest = model.objects.aggregate(m=Max(field.name))["m"]
                assert latest is None or latest <= today_start, (model, field.name, latest)
                checked += 1
    assert checked > 25
    assert VisitSignUp.objects.filter(visit__starts_at__gt=today_start).exists()


def test_job_checks_are_due_and_honest(tiny):
    today = timezone.localdate()
    for check in JobCheck.objects.select_related("job"):
        job = check.job
        assert check.checked_on == add_months(job.start_date, check.months) <= today
        if job.end_date and job.end_date < check.checked_on:
            assert not check.still_working
    assert JobOutcome.objects.filter(placement__isnull=False).exists()


def test_proposals_and_placements_carry_their_persons_municipality(tiny):
    """A chunk COPYs a person's proposals and placements before the person: they must still
    hold the person's municipality (placements.models.OWN_MUNICIPALITY), which the back
    office's scope reads."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("placements_proposal", "placements_developmentplacement"):
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE r.municipality_id IS DISTINCT FROM "
                f"j.municipality_id) FROM {table} r JOIN jobseekers_jobseeker j "  # noqa: S608
                "ON j.id = r.jobseeker_id"
            )
            total, wrong = cursor.fetchone()
            assert total > 0 and wrong == 0, (table, total, wrong)


def test_pages_render_over_the_data(tiny, client):
    busiest = Municipality.objects.annotate(n=Count("jobseekers")).order_by("-n").first()
    caseworker = make_user("scale-test@example.org", Role.CASEWORKER, [busiest])
    client.force_login(caseworker)
    person = JobSeeker.objects.filter(municipality=busiest).first()
    employer = Employer.objects.filter(municipality=busiest).first()
    urls = [
        reverse("jobseekers:list"),
        reverse("jobseekers:list") + "?q=de",
        person.get_absolute_url(),
    ]
    if employer:
        urls += [reverse("employers:list"), employer.get_absolute_url()]
    placement = DevelopmentPlacement.objects.filter(jobseeker__municipality=busiest).first()
    if placement:
        urls.append(placement.get_absolute_url())
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_statistics_roll_up_over_the_data(tiny):
    from stats.services import figures_rebuild

    result = figures_rebuild(as_of=timezone.localdate() + datetime.timedelta(days=1))
    assert result.rows > 0
