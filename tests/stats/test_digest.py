"""The aldermen's weekly digest: coming visits with briefing links, last week's figures, sent
once per alderman per week, in Dutch."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from baanbrekers.followups import followup_rules_apply, followups_send_due, outbox_deliver
from baanbrekers.models import OutboxEmail
from stats import followup_rules as rules
from stats.digest import digest_context
from stats.models import DailyFigures, RollupState
from tests.employers.factories import EmployerFactory
from tests.followups.helpers import local, rows
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import JobOutcomeFactory, PlacementFactory
from tests.visits.factories import VisitFactory
from visits.models import Click, VisitSignUp, VisitStaff

pytestmark = pytest.mark.django_db

D = datetime.date
MONDAY = D(2026, 11, 23)
NOW = local(2026, 11, 23, 8)


def joined(visit, alderman):
    VisitStaff.objects.create(visit=visit, user=alderman)
    return visit


def figures_by_label(context):
    return {row.label: row.cells for row in context["figures"]}


def test_the_digest_lists_the_aldermans_coming_visits_with_briefing_links(alderman, heusden):
    bakery = EmployerFactory(trade_name="Bakkerij De Gouden Korst")
    tuesday = joined(VisitFactory(employer=bakery, starts_at=local(2026, 11, 24, 10)), alderman)
    next_week = joined(VisitFactory(starts_at=local(2026, 12, 4, 14)), alderman)
    joined(VisitFactory(starts_at=local(2026, 12, 7, 10)), alderman)  # beyond two weeks
    joined(VisitFactory(starts_at=local(2026, 11, 23, 7)), alderman)  # already begun
    joined(VisitFactory(starts_at=local(2026, 11, 25, 10), status="cancelled"), alderman)
    VisitFactory(starts_at=local(2026, 11, 25, 10))  # the alderman does not join

    context = digest_context(alderman=alderman, week_start=MONDAY, now=NOW)

    assert [v["employer"] for v in context["visits"]] == [
        "Bakkerij De Gouden Korst",
        next_week.employer.trade_name,
    ]
    first = context["visits"][0]
    assert first["briefing_url"] == settings.SITE_URL.rstrip("/") + reverse(
        "visits:briefing", args=[tuesday.pk]
    )
    assert first["starts_at"].hour == 10  # shown in Amsterdam time
    assert context["week"] == 48


def test_last_weeks_figures_per_municipality_and_region_through_disclosure_control(
    alderman, heusden, waalwijk
):
    """Without a roll-up that covers the week, the roll-up is brought up to date first: the
    figures are the statistics' own, never counted a second way."""
    people = [JobSeekerFactory(municipality=heusden) for _ in range(6)]
    # Six visits held last week in Heusden, the last one late on Sunday evening.
    days = [(16, 10), (17, 10), (18, 10), (19, 10), (20, 10), (22, 23)]
    held = [
        VisitFactory(
            employer=EmployerFactory(municipality=heusden),
            starts_at=local(2026, 11, d, h),
            status="held",
        )
        for d, h in days
    ]
    for person, visit in zip(people, held, strict=True):
        VisitSignUp.objects.create(visit=visit, jobseeker=person)
    for person in people[:2]:
        Click.objects.create(visit=held[0], jobseeker=person)
    # Outside the week: Sunday before, and this Monday.
    VisitFactory(employer=EmployerFactory(), starts_at=local(2026, 11, 15, 23, 30), status="held")
    VisitFactory(employer=EmployerFactory(), starts_at=local(2026, 11, 23, 0, 30), status="held")
    for _ in range(5):
        PlacementFactory(
            jobseeker=JobSeekerFactory(municipality=waalwijk),
            start_date=D(2026, 11, 16),
            planned_end_date=D(2027, 3, 1),
            started_on=D(2026, 11, 18),
        )
    JobOutcomeFactory(jobseeker=people[0], start_date=D(2026, 11, 20))

    context = digest_context(alderman=alderman, week_start=MONDAY, now=NOW)

    assert context["figures_from_rollup"] is False
    assert RollupState.objects.get(pk=1).watermark >= local(2026, 11, 23, 0)
    assert context["figure_columns"] == ["Heusden", "Regio"]
    assert (context["figures_first"], context["figures_last"]) == (D(2026, 11, 16), D(2026, 11, 22))
    figures = figures_by_label(context)
    # 6 is shown as 5 (5 to 9), 2 and 1 as "< 5": as on the alderman's dashboard.
    assert figures["Bedrijfsbezoeken gehouden"] == [5, 5]
    assert figures["Werkzoekenden die meegingen op bezoek"] == [5, 5]
    assert figures["Klikken"] == ["< 5", "< 5"]
    assert figures["Ontwikkelplekken gestart"] == [0, 5]  # all in Waalwijk
    assert figures["Banen gevonden"] == ["< 5", "< 5"]
    text = render_to_string("stats/email/digest_weekly.txt", context)
    assert "Cijfer: Heusden | Regio\nBedrijfsbezoeken gehouden: 5 | 5\n" in text
    assert "Klikken: < 5 | < 5\n" in text
    assert "naar beneden afgerond" in text  # the legend says what a number means
    assert "6" not in text.split("Bedrijfsbezoeken gehouden")[1].split("\n")[0]


def test_figures_come_from_the_roll_up_once_it_covers_the_week(alderman, heusden, waalwijk):
    RollupState.objects.create(pk=1, watermark=NOW)
    stamp = timezone.now()
    DailyFigures.objects.create(
        municipality=heusden, day=D(2026, 11, 18), visits_held=7, jobs_visit=3, jobs_direct=3,
        rolled_up_at=stamp,
    )  # fmt: skip
    DailyFigures.objects.create(
        municipality=waalwijk, day=D(2026, 11, 22), clicks=9, visits_held=2, rolled_up_at=stamp
    )
    DailyFigures.objects.create(  # this week: not last week's
        municipality=heusden, day=D(2026, 11, 23), visits_held=50, rolled_up_at=stamp
    )

    context = digest_context(alderman=alderman, week_start=MONDAY, now=NOW)

    assert context["figures_from_rollup"] is True
    figures = figures_by_label(context)
    # Exact, region 9 minus Heusden 7 would show that Waalwijk held 2; as shown (5 and 5) the
    # rest of the region is anything from 0 to 4.
    assert figures["Bedrijfsbezoeken gehouden"] == [5, 5]
    assert figures["Banen gevonden"] == [5, 5]
    assert figures["Klikken"] == [0, 5]


def test_a_roll_up_that_stopped_before_the_weeks_end_is_brought_up_to_date(alderman, heusden):
    RollupState.objects.create(pk=1, watermark=local(2026, 11, 22, 23))
    JobOutcomeFactory(jobseeker=JobSeekerFactory(municipality=heusden), start_date=D(2026, 11, 22))
    context = digest_context(alderman=alderman, week_start=MONDAY, now=NOW)
    assert context["figures_from_rollup"] is False
    assert RollupState.objects.get(pk=1).watermark > local(2026, 11, 23, 0)
    assert figures_by_label(context)["Banen gevonden"] == ["< 5", "< 5"]


def test_the_digest_goes_out_once_per_alderman_per_week_in_dutch(alderman, heusden):
    now = timezone.now()
    week_start = rules.digest_week_start(now)
    visit = joined(
        VisitFactory(
            employer=EmployerFactory(trade_name="Schoenfabriek Van Dongen"),
            starts_at=now + datetime.timedelta(days=1),
        ),
        alderman,
    )
    for _ in range(2):  # beat fires twice, the sweep runs twice
        followup_rules_apply(now=now)
        followups_send_due(now=now)
        outbox_deliver(now=now)

    [followup] = rows(rules.KIND_DIGEST)
    assert followup.status == "sent" and followup.due_on == week_start
    [email] = OutboxEmail.objects.all()
    assert email.to == alderman.email
    week = week_start.isocalendar().week
    assert email.subject == f"Weekoverzicht Baanbrekers, week {week}"
    briefing = settings.SITE_URL.rstrip("/") + reverse("visits:briefing", args=[visit.pk])
    for body in (email.body_text, email.body_html):
        assert "Schoenfabriek Van Dongen" in body
        assert briefing in body
        assert "Bedrijfsbezoeken gehouden" in body
        assert "Beste Wim" in body
    assert "<table>" in email.body_html
    [message] = mail.outbox
    assert message.subject == email.subject


def test_a_digest_that_cannot_be_built_fails_visibly_and_is_retried(alderman, monkeypatch):
    now = timezone.now()
    followup_rules_apply(now=now)

    def broken(**kwargs):
        raise RuntimeError("statistieken onbereikbaar")

    monkeypatch.setattr("stats.digest.digest_context", broken)
    followups_send_due(now=now)
    [followup] = rows(rules.KIND_DIGEST)
    assert followup.status == "pending" and followup.attempts == 1
    assert "statistieken onbereikbaar" in followup.last_error
    assert OutboxEmail.objects.count() == 0
