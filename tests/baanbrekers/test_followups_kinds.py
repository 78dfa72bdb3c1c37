"""The follow-up engine's registries: kinds render their titles per language, lead times come
from settings, and every domain app's rules are registered and run."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from baanbrekers.followups import (
    followup_kind_register,
    followup_rules,
    followup_rules_apply,
    followup_schedule,
    followups_send_due,
    outbox_deliver,
)
from baanbrekers.models import FollowUp, OutboxEmail
from employers.followup_rules import KIND_EMPLOYER_NO_CONTACT
from jobseekers.followup_rules import KIND_CONSENT_EXPIRING
from jobseekers.services import CONSENT_FOLLOWUP_KIND, consent_give
from placements.followup_rules import KIND_PLACEMENT_END_SOON_SUPERVISOR
from tests.employers.factories import ContactMomentFactory, EmployerFactory
from tests.jobseekers.factories import ConsentFactory, JobSeekerFactory
from tests.placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db

D = datetime.date
AMS = datetime.timezone(datetime.timedelta(hours=1))


def at(y, m, d, hour=9):
    return datetime.datetime(y, m, d, hour, tzinfo=AMS)


# --- Titles: kind + params, rendered per language --------------------------------------------


def test_a_title_is_stored_as_kind_and_params_shown_in_the_readers_language_sent_in_dutch(
    caseworker_heusden,
):
    employer = EmployerFactory(relationship_owner=caseworker_heusden, trade_name="Smit & Zonen")
    # The request that causes it speaks English; nothing of that language is stored.
    with translation.override("en"):
        followup = followup_schedule(
            kind=KIND_EMPLOYER_NO_CONTACT,
            subject=employer,
            due_on=timezone.localdate(),
            params={"employer": employer.trade_name, "days": 90, "date": "01-08-2026"},
            assignee=caseworker_heusden,
        )
    followup = FollowUp.objects.get(pk=followup.pk)
    assert followup.kind == KIND_EMPLOYER_NO_CONTACT
    assert followup.params == {"employer": "Smit & Zonen", "days": 90, "date": "01-08-2026"}

    with translation.override("en"):
        assert followup.title == "No contact with Smit & Zonen for 90 days"
        assert followup.body == "The last contact moment was on 01-08-2026."
    with translation.override("nl"):
        assert followup.title == "Al 90 dagen geen contact met Smit & Zonen"

    # Sent while the worker happens to speak English: the mail is in the recipient's Dutch.
    with translation.override("en"):
        assert followups_send_due() == 1
        outbox_deliver()
    [message] = OutboxEmail.objects.all()
    assert "Al 90 dagen geen contact met Smit & Zonen" in message.subject
    assert "Al 90 dagen geen contact met Smit & Zonen" in message.body_text
    assert "Het laatste contactmoment was op 01-08-2026." in message.body_text
    assert "No contact" not in message.body_text
    assert len(mail.outbox) == 1


def test_a_user_with_a_language_of_their_own_gets_mail_in_it(caseworker_heusden):
    employer = EmployerFactory(relationship_owner=caseworker_heusden)
    caseworker_heusden.language = "en"  # once the user model has one
    followup = followup_schedule(
        kind=KIND_EMPLOYER_NO_CONTACT,
        subject=employer,
        due_on=timezone.localdate(),
        params={"employer": employer.trade_name, "days": 90, "date": "01-08-2026"},
        assignee=caseworker_heusden,
    )
    from baanbrekers.followups import followup_recipient_language

    followup.assignee = caseworker_heusden
    assert followup_recipient_language(followup) == "en"
    followup.assignee.language = ""
    assert followup_recipient_language(followup) == "nl"


def test_rows_from_before_kinds_had_templates_keep_their_stored_text(heusden):
    old = FollowUp.objects.create(
        kind=KIND_EMPLOYER_NO_CONTACT,
        title="Bel de bakker",
        body="Oude tekst",
        subject_type="baanbrekers.Municipality",
        subject_id=str(heusden.pk),
        due_on=D(2026, 1, 1),
    )
    old.refresh_from_db()
    assert old.params is None
    with translation.override("en"):
        assert old.title == "Bel de bakker"
        assert old.body == "Oude tekst"


def test_params_that_do_not_fit_the_template_fall_back_to_the_stored_text(heusden):
    followup_kind_register(key="test.fit", title="Call %(who)s")
    row = followup_schedule(
        kind="test.fit", subject=heusden, due_on=D(2026, 1, 1), params={"who": "Anna"}
    )
    FollowUp.objects.filter(pk=row.pk).update(params={"someone": "else"})
    row.refresh_from_db()
    assert row.title == "Call Anna"  # the rendering stored when it was scheduled


def test_an_unknown_kind_is_refused(heusden):
    with pytest.raises(LookupError, match="not registered"):
        followup_schedule(kind="no.such.kind", subject=heusden, due_on=D(2026, 1, 1))


def test_a_consent_kind_in_the_details_follows_the_readers_language(caseworker_heusden):
    person = JobSeekerFactory(caseworker=caseworker_heusden)
    consent = consent_give(
        jobseeker=person,
        kind="join_visits",
        given_on=D(2026, 1, 1),
        valid_until=D(2026, 12, 31),
        user=caseworker_heusden,
    )
    [reminder] = FollowUp.objects.filter(kind=CONSENT_FOLLOWUP_KIND, subject_id=str(consent.pk))
    with translation.override("en"):
        assert reminder.body == "Join company visits, valid until 31-12-2026."
    with translation.override("nl"):
        assert reminder.body == "Meegaan op bedrijfsbezoeken, geldig tot en met 31-12-2026."
        assert "Join company visits" not in reminder.body


# --- Lead times from settings ----------------------------------------------------------------


def test_the_no_contact_period_comes_from_settings(settings, caseworker_heusden):
    settings.LEAD_TIMES = {**settings.LEAD_TIMES, "employer_no_contact": 30}
    employer = EmployerFactory(relationship_owner=caseworker_heusden)
    ContactMomentFactory(employer=employer, happened_at=at(2026, 8, 1, 10))
    followup_rules_apply(now=at(2026, 8, 31))
    [followup] = FollowUp.objects.filter(kind=KIND_EMPLOYER_NO_CONTACT)
    assert followup.due_on == D(2026, 8, 31)  # 1 August + 30 days, not 90
    with translation.override("en"):
        assert followup.title.endswith("for 30 days")


def test_the_consent_reminder_lead_time_comes_from_settings_for_service_and_rule(
    settings, caseworker_heusden
):
    settings.LEAD_TIMES = {**settings.LEAD_TIMES, "consent_expiring": 10}
    person = JobSeekerFactory(caseworker=caseworker_heusden)
    given = consent_give(
        jobseeker=person,
        kind="join_visits",
        given_on=timezone.localdate(),
        valid_until=timezone.localdate() + datetime.timedelta(days=100),
        user=caseworker_heusden,
    )
    [reminder] = FollowUp.objects.filter(kind=CONSENT_FOLLOWUP_KIND, subject_id=str(given.pk))
    assert reminder.due_on == given.valid_until - datetime.timedelta(days=10)

    imported = ConsentFactory(
        jobseeker=person, kind="introduction", given_on=D(2026, 1, 1), valid_until=D(2026, 12, 15)
    )
    followup_rules_apply(now=at(2026, 12, 4))  # 11 days before: not yet
    assert not FollowUp.objects.filter(kind=KIND_CONSENT_EXPIRING).exists()
    followup_rules_apply(now=at(2026, 12, 5))
    [rule_made] = FollowUp.objects.filter(kind=KIND_CONSENT_EXPIRING)
    assert (rule_made.subject_id, rule_made.due_on) == (str(imported.pk), D(2026, 12, 5))


def test_the_placement_ending_notice_lead_time_comes_from_settings(settings, caseworker_heusden):
    settings.LEAD_TIMES = {**settings.LEAD_TIMES, "placement_ending": 7}
    PlacementFactory(
        caseworker=caseworker_heusden,
        start_date=D(2026, 10, 1),
        planned_end_date=D(2027, 2, 1),
        started_on=D(2026, 10, 1),
    )
    followup_rules_apply(now=at(2026, 11, 10))
    [notice] = FollowUp.objects.filter(kind=KIND_PLACEMENT_END_SOON_SUPERVISOR)
    assert notice.due_on == D(2027, 1, 25)


def test_the_job_check_months_come_from_settings(settings, caseworker_heusden):
    from tests.placements.factories import JobOutcomeFactory

    settings.JOB_RETENTION_CHECK_MONTHS = (3,)
    job = JobOutcomeFactory(
        start_date=D(2026, 8, 20), jobseeker=JobSeekerFactory(caseworker=caseworker_heusden)
    )
    followup_rules_apply(now=at(2026, 11, 20))
    [check] = FollowUp.objects.filter(subject_id=str(job.pk), kind__startswith="job.")
    assert (check.kind, check.due_on) == ("job.still_working_3m", D(2026, 11, 20))
    with translation.override("en"):
        assert "3 months after the start" in check.title


# --- Each app's rules are registered and run -------------------------------------------------


def test_each_domain_app_registers_its_own_rules():
    homes = {rule.name: rule.wanted.__module__ for rule in followup_rules()}
    assert homes == {
        "employers_without_contact": "employers.followup_rules",
        "consents_expiring": "jobseekers.followup_rules",
        "visit_report_missing": "visits.followup_rules",
        "visit_openings": "visits.followup_rules",
        "placement_notices": "placements.followup_rules",
        "buddy_checkins": "placements.followup_rules",
        "jobs_still_working": "placements.followup_rules",
        "aldermen_digests": "stats.followup_rules",
        # Notices to employer contacts link into the portal, so the portal registers them.
        "portal_proposals_new": "portal.followup_rules",
        "portal_contact_details": "portal.followup_rules",
        "portal_job_checks": "portal.followup_rules",
    }


def test_the_registered_rules_of_every_app_run(caseworker_heusden):
    from tests.placements.factories import BuddyPairingFactory
    from tests.visits.factories import VisitFactory

    employer = EmployerFactory(relationship_owner=caseworker_heusden)
    ContactMomentFactory(employer=employer, happened_at=at(2026, 8, 1, 10))
    person = JobSeekerFactory(caseworker=caseworker_heusden)
    ConsentFactory(jobseeker=person, given_on=D(2026, 1, 1), valid_until=D(2026, 12, 1))
    BuddyPairingFactory(jobseeker=person, start_date=D(2026, 10, 3), caseworker=caseworker_heusden)
    VisitFactory(starts_at=at(2026, 11, 2, 10), planned_by=caseworker_heusden)
    outcomes = followup_rules_apply(now=at(2026, 11, 10))
    made = {name: outcome.created for name, outcome in outcomes.items()}
    assert made["employers_without_contact"] == 1
    assert made["consents_expiring"] == 1
    assert made["visit_report_missing"] == 1
    assert made["buddy_checkins"] == 1
