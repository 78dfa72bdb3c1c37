"""Who sees which visit (Visit.objects.visible_to and on_calendar_of), row for row.

The rule is written as two cheap halves (the visits to the employers the user sees, the visits
the user joins): these pin down that every role still gets exactly the same visits, also when
the queryset is narrowed, counted or combined afterwards."""

import datetime

import pytest
from django.utils import timezone

from baanbrekers.models import Role
from tests.employers.factories import EmployerContactFactory, EmployerFactory
from tests.users import make_user
from tests.visits.factories import VisitFactory
from visits.models import Visit, VisitStatus


@pytest.fixture
def world(heusden, waalwijk, caseworker_heusden, caseworker_waalwijk, alderman):
    """Visits in Heusden and Waalwijk, some joined by staff of the other municipality."""
    in_heusden = EmployerFactory(municipality=heusden, bakery=True)
    in_waalwijk = EmployerFactory(in_waalwijk=True)
    soon = timezone.now() + datetime.timedelta(days=3)
    v = {
        # Heusden, nobody of ours joins.
        "heusden": VisitFactory(employer=in_heusden, starts_at=soon),
        # Heusden, the alderman joins (and the Heusden caseworker).
        "heusden_joined": VisitFactory(employer=in_heusden, starts_at=soon),
        # Waalwijk, the Heusden caseworker joins (staff-only visibility for them).
        "waalwijk_joined": VisitFactory(employer=in_waalwijk, starts_at=soon),
        # Waalwijk, the Heusden alderman joins.
        "waalwijk_alderman": VisitFactory(employer=in_waalwijk, starts_at=soon),
        # Waalwijk, nobody of Heusden.
        "waalwijk": VisitFactory(employer=in_waalwijk, starts_at=soon),
        # Long ago, in Heusden, cancelled: visibility does not look at time or status.
        "heusden_old": VisitFactory(
            employer=in_heusden,
            starts_at=soon - datetime.timedelta(days=400),
            status=VisitStatus.CANCELLED,
        ),
    }
    v["heusden_joined"].staff.create(user=alderman)
    v["heusden_joined"].staff.create(user=caseworker_heusden)
    v["waalwijk_joined"].staff.create(user=caseworker_heusden)
    v["waalwijk_joined"].staff.create(user=caseworker_waalwijk)
    v["waalwijk_alderman"].staff.create(user=alderman)
    return v


def _names(world, qs) -> set[str]:
    by_pk = {visit.pk: name for name, visit in world.items()}
    pks = list(qs.values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), "a visit came twice"
    return {by_pk[pk] for pk in pks}


HEUSDEN_CASEWORKER = {"heusden", "heusden_joined", "heusden_old", "waalwijk_joined"}


def test_caseworker_sees_own_municipality_and_joined_visits(world, caseworker_heusden):
    assert _names(world, Visit.objects.visible_to(caseworker_heusden)) == HEUSDEN_CASEWORKER


def test_caseworker_joined_visit_elsewhere_comes_once(world, caseworker_waalwijk):
    # Joined *and* in the own municipality: one row, not two.
    assert _names(world, Visit.objects.visible_to(caseworker_waalwijk)) == {
        "waalwijk_joined",
        "waalwijk_alderman",
        "waalwijk",
    }
    assert Visit.objects.visible_to(caseworker_waalwijk).count() == 3


def test_caseworker_without_municipality_sees_only_joined(world, heusden):
    loose = make_user("los@example.org", Role.CASEWORKER, [])
    Visit.objects.get(pk=world["waalwijk"].pk).staff.create(user=loose)
    assert _names(world, Visit.objects.visible_to(loose)) == {"waalwijk"}


def test_caseworker_of_two_municipalities_sees_both(world, heusden, waalwijk):
    both = make_user("beide@example.org", Role.CASEWORKER, [heusden, waalwijk])
    assert _names(world, Visit.objects.visible_to(both)) == set(world)


def test_coordinator_sees_all(world, coordinator):
    assert _names(world, Visit.objects.visible_to(coordinator)) == set(world)


def test_alderman_sees_only_joined_visits(world, alderman):
    assert _names(world, Visit.objects.visible_to(alderman)) == {
        "heusden_joined",
        "waalwijk_alderman",
    }


def test_alderman_calendar_adds_own_municipality(world, alderman):
    assert _names(world, Visit.objects.on_calendar_of(alderman)) == {
        "heusden",
        "heusden_joined",
        "heusden_old",
        "waalwijk_alderman",
    }


def test_employer_contact_sees_own_company_only(world, employer_contact_a, employer_contact_b):
    EmployerContactFactory(employer=world["waalwijk"].employer, user=employer_contact_a)
    assert _names(world, Visit.objects.visible_to(employer_contact_a)) == {
        "waalwijk_joined",
        "waalwijk_alderman",
        "waalwijk",
    }
    assert _names(world, Visit.objects.visible_to(employer_contact_b)) == set()


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert _names(world, Visit.objects.visible_to(AnonymousUser())) == set()


def test_visibility_composes_with_filters_and_other_querysets(world, caseworker_heusden):
    visible = Visit.objects.visible_to(caseworker_heusden)
    now = timezone.now()
    assert _names(world, visible.upcoming(now)) == HEUSDEN_CASEWORKER - {"heusden_old"}
    assert _names(world, visible.exclude(employer__municipality__cbs_code="GM0797")) == {
        "waalwijk_joined"
    }
    # Narrowed first, made visible after: the same rows.
    narrowed = Visit.objects.filter(status=VisitStatus.PLANNED).visible_to(caseworker_heusden)
    assert _names(world, narrowed) == HEUSDEN_CASEWORKER - {"heusden_old"}
    # As a subquery, and joined rows (one per staff member) stay rows of their own.
    assert _names(world, Visit.objects.filter(pk__in=visible.values("pk"))) == HEUSDEN_CASEWORKER
    assert visible.filter(staff__user=caseworker_heusden).count() == 2


def test_visibility_reads_the_municipalities_at_call_time(world, caseworker_heusden, waalwijk):
    caseworker_heusden.municipalities.add(waalwijk)
    assert _names(world, Visit.objects.visible_to(caseworker_heusden)) == set(world)


@pytest.mark.parametrize(
    "role",
    ["caseworker_heusden", "caseworker_waalwijk", "coordinator", "alderman", "employer_contact_a"],
)
def test_calendar_as_union_gives_the_same_rows(world, role, request):
    """The agenda's form (a UNION of the rule's halves, each with the days in it) and the OR."""
    user = request.getfixturevalue(role)
    EmployerContactFactory(
        employer=world["heusden"].employer, user=request.getfixturevalue("employer_contact_a")
    )
    now = timezone.now()
    for start, end in [
        (now, now + datetime.timedelta(days=7)),
        (now - datetime.timedelta(days=500), now + datetime.timedelta(days=7)),
        (now + datetime.timedelta(days=30), now + datetime.timedelta(days=60)),
    ]:
        window = Visit.objects.between(start, end)
        as_or = _names(world, window.on_calendar_of(user))
        as_union = _names(world, window.on_calendar_of(user, union=True))
        assert as_union == as_or
    # And over all days: the calendar is the visible visits (plus, for aldermen, their
    # municipality's).
    everything = _names(world, Visit.objects.on_calendar_of(user, union=True))
    assert everything == _names(world, Visit.objects.on_calendar_of(user))
    assert _names(world, Visit.objects.visible_to(user)) <= everything


def test_agenda_shows_staff_only_visit_elsewhere(world, client, caseworker_heusden):
    from django.urls import reverse

    client.force_login(caseworker_heusden)
    day = timezone.localdate(world["waalwijk_joined"].starts_at)
    response = client.get(reverse("visits:list"), {"date": day.isoformat()})
    shown = {visit.pk for d in response.context["days"] for visit in d["visits"]}
    assert shown == {world[name].pk for name in ("heusden", "heusden_joined", "waalwijk_joined")}


@pytest.mark.parametrize("role", ["caseworker_heusden", "alderman"])
def test_agenda_items_are_the_templates_markup(world, client, role, request):
    """The agenda builds its items in Python: the same HTML as visits/_agenda_item.html."""
    from django.template.loader import render_to_string
    from django.urls import reverse

    from tests.jobseekers.factories import JobSeekerFactory
    from visits.models import VisitSignUp

    world["heusden"].employer.trade_name = "Bakker & Zn <'t Hoekje>"
    world["heusden"].employer.save(update_fields=["trade_name"])
    for person in JobSeekerFactory.create_batch(2):
        VisitSignUp.objects.create(visit=world["heusden_joined"], jobseeker=person)
    VisitSignUp.objects.create(visit=world["heusden"], jobseeker=JobSeekerFactory())
    Visit.objects.filter(pk=world["waalwijk_alderman"].pk).update(status=VisitStatus.CANCELLED)
    user = request.getfixturevalue(role)
    client.force_login(user)
    day = timezone.localdate(world["heusden"].starts_at)
    for language in ("nl", "en"):
        response = client.get(
            reverse("visits:list"), {"date": day.isoformat()}, HTTP_ACCEPT_LANGUAGE=language
        )
        visits = [visit for d in response.context["days"] for visit in d["visits"]]
        assert len(visits) >= 3
        for visit in visits:
            assert visit.item_html == render_to_string("visits/_agenda_item.html", {"visit": visit})
            assert visit.item_html in response.content.decode()
