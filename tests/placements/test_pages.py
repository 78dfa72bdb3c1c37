"""Pages of the pipeline: who sees what, guessed ids, forms that keep input, constant queries."""

import pytest
from django.urls import reverse

from placements.models import DevelopmentPlacement, Proposal
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import JobOutcomeFactory, make_placement

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def detail_urls(records, key):
    r = records[key]
    return [
        reverse("placements:proposal_detail", args=[r["proposal"].pk]),
        reverse("placements:placement_detail", args=[r["placement"].pk]),
        reverse("placements:buddy_detail", args=[r["buddy"].pk]),
        reverse("placements:jobseeker_matches", args=[r["proposal"].jobseeker_id]),
        reverse("placements:job_create", args=[r["proposal"].jobseeker_id]),
    ]


def test_caseworker_sees_own_municipality_and_gets_404_for_others(
    client, caseworker_heusden, records
):
    for url in detail_urls(records, "heusden"):
        assert get(client, caseworker_heusden, url).status_code == 200, url
    for url in detail_urls(records, "waalwijk"):
        assert get(client, caseworker_heusden, url).status_code == 404, url


def test_guessed_ids_are_404(client, coordinator, records):
    for name in ("proposal_detail", "placement_detail", "buddy_detail", "opening_matches"):
        assert (
            get(client, coordinator, reverse(f"placements:{name}", args=[999999])).status_code
            == 404
        )


def test_coordinator_sees_everything(client, coordinator, records):
    for key in ("heusden", "waalwijk"):
        for url in detail_urls(records, key):
            assert get(client, coordinator, url).status_code == 200, url


def test_alderman_sees_figures_only(client, alderman, records):
    response = get(client, alderman, reverse("placements:pipeline"))
    assert response.status_code == 200
    assert "Ricardo" not in response.content.decode()
    # Through disclosure control (DESIGN.md section 4), as on the dashboard: never the exact 1.
    assert response.context["counts"]["placements"]["completed"] == "< 5"
    assert response.context["counts"]["jobs"]["total"] == "< 5"
    assert response.context["counts"]["placements"]["ended_early"] == 0
    assert "<dd>1</dd>" not in response.content.decode()
    for url in detail_urls(records, "heusden") + [
        reverse("placements:buddy_list"),
        reverse("placements:job_list"),
    ]:
        assert get(client, alderman, url).status_code == 403, url


def test_alderman_figures_are_of_their_municipality_rounded_down(
    client, alderman, heusden, waalwijk
):
    for _ in range(7):
        JobOutcomeFactory(jobseeker=JobSeekerFactory(municipality=heusden))
    for _ in range(4):
        JobOutcomeFactory(jobseeker=JobSeekerFactory(municipality=waalwijk))
    counts = get(client, alderman, reverse("placements:pipeline")).context["counts"]
    # Heusden's 7, not the region's 11: shown as 5 (5 to 9).
    assert counts["jobs"]["total"] == 5
    assert counts["jobs"]["route_visit"] == 5
    assert counts["jobs"]["route_direct"] == 0


@pytest.mark.parametrize("who", ["employer_contact_a", "employer_contact_b"])
def test_employer_contacts_have_no_back_office_pages(client, request, who, records):
    user = request.getfixturevalue(who)
    for url in [reverse("placements:pipeline"), *detail_urls(records, "heusden")]:
        assert get(client, user, url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, records):
    response = client.get(reverse("placements:pipeline"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_match_list_explains_and_proposes_in_one_click(
    client, coordinator, heusden_person, workshop
):
    page = get(client, coordinator, reverse("placements:opening_matches", args=[workshop.pk]))
    html = page.content.decode()
    assert "sleutelen aan brommers (hobby) → techniek" in html
    assert "lassen" in html  # the gap
    response = client.post(
        reverse("placements:opening_propose", args=[workshop.pk]), {"jobseeker": heusden_person.pk}
    )
    proposal = Proposal.objects.get(jobseeker=heusden_person, opening=workshop)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/proposals/{proposal.pk}/"
    )


def test_openings_of_other_municipalities_are_404_for_matching(
    client, caseworker_heusden, workshop
):
    url = reverse("placements:opening_matches", args=[workshop.pk])
    assert get(client, caseworker_heusden, url).status_code == 404


def test_proposing_someone_of_another_municipality_is_404(
    client, caseworker_waalwijk, heusden_person, workshop
):
    client.force_login(caseworker_waalwijk)
    response = client.post(
        reverse("placements:opening_propose", args=[workshop.pk]), {"jobseeker": heusden_person.pk}
    )
    assert response.status_code == 404
    assert not Proposal.objects.exists()


def test_refusing_without_a_reason_shows_the_error_and_keeps_input(
    client, caseworker_heusden, records
):
    proposal = records["heusden"]["proposal"]
    client.force_login(caseworker_heusden)
    response = client.post(
        reverse("placements:proposal_detail", args=[proposal.pk]), {"answer": "no", "reason": ""}
    )
    assert response.status_code == 400
    assert "Geef een reden" in response.content.decode()
    assert (
        'value="no" checked' in response.content.decode() or "checked" in response.content.decode()
    )
    proposal.refresh_from_db()
    assert proposal.answer == "pending"


def test_forbidden_transition_on_the_page_shows_the_dutch_reason(
    client, coordinator, heusden_person
):
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="active")
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:placement_action", args=[placement.pk, "agree"]), follow=True
    )
    assert (
        "Alleen een voorgestelde ontwikkelplek kan worden afgesproken; deze is lopend."
        in response.content.decode()
    )


def test_extend_with_a_bad_date_keeps_the_form(client, coordinator, heusden_person):
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="active")
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:placement_action", args=[placement.pk, "extend"]),
        {"extend-new_end_date": placement.start_date.isoformat()},
    )
    assert response.status_code == 400
    assert (
        "De nieuwe einddatum moet na de huidige geplande einddatum liggen."
        in response.content.decode()
    )
    placement.refresh_from_db()
    assert placement.extension_count == 0


def _pipeline_queries(client, user, django_assert_max_num_queries, n):
    client.force_login(user)
    with django_assert_max_num_queries(n):
        assert client.get(reverse("placements:pipeline")).status_code == 200


def test_board_and_lists_use_constant_queries(
    client, coordinator, workshop, django_assert_max_num_queries
):
    def grow(k):
        for _ in range(k):
            make_placement(user=coordinator, status="active")
            p = JobSeekerFactory(consenting=True)
            from placements import services

            services.buddy_pairing_create(
                jobseeker=p,
                buddy_name="B",
                goals="g",
                start_date=p.created_at.date(),
                created_by=coordinator,
            )

    grow(1)
    client.force_login(coordinator)
    client.get(reverse("placements:pipeline"))  # the session's first request writes it
    counts = []
    for _ in range(2):
        for name in ("pipeline", "buddy_list", "job_list"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(f"placements:{name}")).status_code == 200
            counts.append((name, len(ctx.captured_queries)))
        grow(4)
    assert counts[:3] == counts[3:], counts
    assert DevelopmentPlacement.objects.count() == 9


def test_checkins_and_evaluations_are_recorded_on_the_placement_page(
    client, coordinator, heusden_person
):
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="active")
    client.force_login(coordinator)
    url = reverse("placements:placement_action", args=[placement.pk, "checkin"])
    # Dated within the placement, which started today (the limits table).
    today = placement.start_date.isoformat()
    client.post(url, {"checkin-held_on": today, "checkin-notes": "Gaat goed, leert snel"})
    data = {
        "evaluation-moment": "midterm",
        "evaluation-evaluator": "supervisor",
        "evaluation-held_on": today,
        "evaluation-progress": "Laswerk gaat vooruit",
        "evaluation-rating": "4",
    }
    evaluation_url = reverse("placements:placement_action", args=[placement.pk, "evaluation"])
    assert client.post(evaluation_url, data).status_code == 302
    again = client.post(evaluation_url, data)
    assert again.status_code == 400
    assert "Deze evaluatie is voor deze ontwikkelplek al vastgelegd." in again.content.decode()
    page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert "Gaat goed, leert snel" in page and "Laswerk gaat vooruit" in page


def test_htmx_propose_returns_a_fragment(client, coordinator, heusden_person, workshop):
    client.force_login(coordinator)
    url = reverse("placements:opening_propose", args=[workshop.pk])
    response = client.post(url, {"jobseeker": heusden_person.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Voorgesteld" in response.content.decode()
    again = client.post(url, {"jobseeker": heusden_person.pk}, headers={"HX-Request": "true"})
    assert "is al voorgesteld voor dit aanbod" in again.content.decode()


def test_pipeline_lists_open_offers_of_the_region(
    client, caseworker_waalwijk, caseworker_heusden, workshop
):
    assert (
        workshop.title
        in get(client, caseworker_waalwijk, reverse("placements:pipeline")).content.decode()
    )
    assert (
        workshop.title
        not in get(client, caseworker_heusden, reverse("placements:pipeline")).content.decode()
    )


def _action_urls(html, placement):
    """The actions the page offers: its forms, plus the links to the edit page and job form."""
    prefix = f"/placements/development/{placement.pk}/"
    found = {part.split("/")[0] for part in html.split(f'action="{prefix}')[1:]}
    if f'href="{prefix}edit/"' in html:
        found.add("correct" if placement.status == "active" else "edit")
    if f"?placement={placement.pk}" in html:
        found.add("record_job")
    return found


def test_the_page_shows_the_buttons_the_transitions_table_allows(
    client, coordinator, heusden_person
):
    """The buttons are the table's allowed actions: what the service would accept."""
    from placements.transitions import allowed_actions

    client.force_login(coordinator)
    proposed = make_placement(user=coordinator, jobseeker=heusden_person, status="proposed")
    url = reverse("placements:placement_detail", args=[proposed.pk])
    html = client.get(url).content.decode()
    assert _action_urls(html, proposed) == allowed_actions(proposed, coordinator)
    # Agreeing waits for the no-displacement check: the reason instead of a refused button.
    assert "Leg eerst vast dat is gecontroleerd" in html

    agreed = make_placement(user=coordinator, status="agreed")
    html = client.get(reverse("placements:placement_detail", args=[agreed.pk])).content.decode()
    assert _action_urls(html, agreed) == {"start", "end_early", "checkin", "edit"}
    assert _action_urls(html, agreed) == allowed_actions(agreed, coordinator)


# --- Issue 11: placements that can be corrected ---------------------------------------------
def test_ending_a_proposed_placement_early_on_the_page_is_no_server_error(
    client, coordinator, heusden_person
):
    """Was a 500: ending early a placement that is still 'Voorgesteld'."""
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="proposed")
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:placement_action", args=[placement.pk, "end_early"]),
        {"end_early-reason": "Gaat niet door", "end_early-outcome": "none"},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == "ended_early"


def test_completing_with_paid_work_leads_to_the_job_form_and_keeps_offering_it(
    client, coordinator, heusden_person
):
    """Was: after 'Ontwikkelplek afronden' with 'Betaald werk' the button to record the job
    disappeared and nothing offered it again."""
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="active")
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:placement_action", args=[placement.pk, "complete"]),
        {"complete-outcome": "paid_job_here"},
    )
    job_url = reverse("placements:job_create", args=[heusden_person.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{job_url}?placement={placement.pk}"
    form = client.get(response["Location"])
    assert form.status_code == 200
    assert form.context["form"].initial["employer"] == placement.employer_id
    page = client.get(reverse("placements:placement_detail", args=[placement.pk]))
    assert f'href="{job_url}?placement={placement.pk}"' in page.content.decode()


def test_ending_early_with_paid_work_elsewhere_leads_to_the_job_form_without_the_employer(
    client, coordinator, heusden_person
):
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="active")
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:placement_action", args=[placement.pk, "end_early"]),
        {"end_early-reason": "Elders aangenomen", "end_early-outcome": "paid_job_elsewhere"},
    )
    assert response["Location"].endswith(f"?placement={placement.pk}")
    form = client.get(response["Location"]).context["form"]
    assert "employer" not in form.initial and form.initial["route"] == "placement"


def test_a_job_is_recorded_later_from_a_finished_placement(client, coordinator, heusden_person):
    from placements.models import JobOutcome

    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="completed")
    client.force_login(coordinator)
    job_url = reverse("placements:job_create", args=[heusden_person.pk])
    page = client.get(reverse("placements:placement_detail", args=[placement.pk]))
    assert 'data-testid="record-job"' in page.content.decode()
    response = client.post(
        f"{job_url}?placement={placement.pk}",
        {
            "employer": placement.employer_id,
            "contract_type": "fixed_term",
            "hours_per_week": "24",
            "start_date": placement.ended_on.isoformat(),
            "route": "placement",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    job = JobOutcome.objects.get()
    assert job.placement == placement
    heusden_person.refresh_from_db()
    assert heusden_person.status == "working"


def test_no_job_from_a_placement_that_has_not_started(client, coordinator, heusden_person):
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="proposed")
    client.force_login(coordinator)
    page = client.get(reverse("placements:placement_detail", args=[placement.pk]))
    assert 'data-testid="record-job"' not in page.content.decode()
    response = client.post(
        reverse("placements:job_create", args=[heusden_person.pk]) + f"?placement={placement.pk}",
        {
            "employer_name": "Elders BV",
            "contract_type": "fixed_term",
            "hours_per_week": "24",
            "start_date": placement.start_date.isoformat(),
            "route": "placement",
        },
    )
    assert response.status_code == 400
    assert "tijdens of na een ontwikkelplek" in response.content.decode()


def test_the_agreements_are_changed_before_the_start(client, coordinator, heusden_person):
    import datetime

    from baanbrekers.models import AuditEvent
    from tests.employers.factories import EmployerContactFactory

    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="agreed")
    supervisor = EmployerContactFactory(employer=placement.employer, name="Joke")
    client.force_login(coordinator)
    url = reverse("placements:placement_edit", args=[placement.pk])
    form = client.get(url).context["form"]
    assert "reason" not in form.fields and "planned_end_date" in form.fields
    start = placement.start_date + datetime.timedelta(days=7)
    response = client.post(
        url,
        {
            "supervisor": supervisor.pk,
            "start_date": start.isoformat(),
            "planned_end_date": (start + datetime.timedelta(days=120)).isoformat(),
            "hours_per_week": "16",
            "learning_goals": placement.learning_goals,
            "benefit_kept": "on",
            "insurance_arranged": "on",
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.start_date, placement.hours_per_week, placement.supervisor) == (
        start,
        16,
        supervisor,
    )
    event = AuditEvent.objects.filter(object_id=str(placement.pk)).latest("pk")
    assert event.detail["event"] == "edited"
    assert event.detail["changes"]["hours_per_week"] == [24, 16]


def test_a_correction_after_the_start_needs_a_reason_and_is_audited(
    client, coordinator, heusden_person
):
    from baanbrekers.models import AuditEvent

    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="active")
    client.force_login(coordinator)
    url = reverse("placements:placement_edit", args=[placement.pk])
    form = client.get(url).context["form"]
    assert "planned_end_date" not in form.fields and "reason" in form.fields
    data = {
        "start_date": placement.start_date.isoformat(),
        "hours_per_week": "20",
        "learning_goals": placement.learning_goals,
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"]
    assert refused.context["form"]["hours_per_week"].value() == "20"  # keeps what was typed
    placement.refresh_from_db()
    assert placement.hours_per_week == 24
    assert client.post(url, {**data, "reason": "Uren verkeerd ingevoerd"}).status_code == 302
    placement.refresh_from_db()
    assert placement.hours_per_week == 20
    event = AuditEvent.objects.filter(object_id=str(placement.pk)).latest("pk")
    assert event.detail == {
        "event": "corrected",
        "changes": {"hours_per_week": [24, 20]},
        "reason": "Uren verkeerd ingevoerd",
    }


def test_a_finished_placement_is_not_edited(client, coordinator, heusden_person):
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="completed")
    client.force_login(coordinator)
    response = client.get(reverse("placements:placement_edit", args=[placement.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:placement_detail", args=[placement.pk])


# --- Propose by hand --------------------------------------------------------------------------
def test_propose_by_hand_offers_the_open_openings_in_scope_and_proposes(
    client, caseworker_waalwijk, waalwijk_person, workshop, bakery_heusden
):
    from tests.employers.factories import OpeningFactory

    elsewhere = OpeningFactory(employer=bakery_heusden, title="Bakkerhulp")
    client.force_login(caseworker_waalwijk)
    url = reverse("placements:jobseeker_propose", args=[waalwijk_person.pk])
    choices = set(client.get(url).context["form"].fields["opening"].queryset)
    assert workshop in choices and elsewhere not in choices
    refused = client.post(url, {"opening": elsewhere.pk})
    assert refused.status_code == 400 and not Proposal.objects.exists()
    response = client.post(url, {"opening": workshop.pk, "motivation": "Kan lassen"})
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("placements:proposal_detail", args=[proposal.pk])
    assert (proposal.jobseeker, proposal.opening, proposal.motivation) == (
        waalwijk_person,
        workshop,
        "Kan lassen",
    )


def test_propose_by_hand_without_consent_says_so_next_to_the_form(
    client, caseworker_waalwijk, workshop, waalwijk
):
    person = JobSeekerFactory(municipality=waalwijk, postcode="5141 AA")
    client.force_login(caseworker_waalwijk)
    url = reverse("placements:jobseeker_propose", args=[person.pk])
    response = client.post(url, {"opening": workshop.pk, "motivation": "Past goed"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "geen geldige toestemming" in html
    assert "Past goed" in html  # nothing typed is lost
    assert not Proposal.objects.exists()


def test_propose_by_hand_for_someone_of_another_municipality_is_404(
    client, caseworker_heusden, waalwijk_person
):
    client.force_login(caseworker_heusden)
    url = reverse("placements:jobseeker_propose", args=[waalwijk_person.pk])
    assert client.get(url).status_code == 404
