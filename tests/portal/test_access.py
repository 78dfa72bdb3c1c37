"""Portal users never reach the back office or another company's data, through pages or the API.

Every URL pattern of the project is reversed (ids: rows of *another* company, all created with
the same primary key, so a guessed id always points at something real) and requested with GET
and POST as a portal user. Back-office pages must refuse (403/404/405, or a redirect away);
API routes and portal pages may answer 200 only without another company's data.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import timezone

from employers.models import ContactMoment, Employer, EmployerContact, Opening, Referral
from jobseekers.models import JobSeekerNote
from placements.models import BuddyPairing, DevelopmentPlacement, JobOutcome, Proposal
from tests.jobseekers.factories import JobSeekerFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db

GUESSED_ID = 424242
SECRET_MARKERS = ["Metaal Brouwer", "87654321", "Heijmans", "Gerrit", "Lasser Brouwer", "111222333"]

# Pages anybody logged in may open: the home page, the account pages (and one's own API tokens),
# language, health, docs.
OPEN_TO_EVERYONE = (
    "/accounts/",
    "/profile/",
    "/i18n/",
    "/healthz",
    # The orchestrator's probes: the process answers, the database and Redis are reachable.
    "/livez",
    "/readyz",
    "/api/schema/",
    "/api/docs/",
    "/static/",
)
PUBLIC_NAMES = {"home", "v1:me", "portal:invitation", "javascript-catalog", "set_language"}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, list(entry.pattern.regex.groupindex)


def all_urls() -> list[tuple[str, str]]:
    urls = {}
    for name, kwargs in _walk(get_resolver().url_patterns):
        values = {
            k: (
                "json"
                if k == "format"
                else "guess"
                if k in ("token", "key", "uidb36")
                else GUESSED_ID
            )
            for k in kwargs
        }
        try:
            url = reverse(name, kwargs=values)
        except NoReverseMatch:
            continue
        urls[url] = name
    return sorted((name, url) for url, name in urls.items())


@pytest.fixture
def other_company(waalwijk, caseworker_waalwijk, employer_contact_b):
    """Another company with every kind of row, each with primary key GUESSED_ID."""
    employer = Employer.objects.create(
        pk=GUESSED_ID,
        kvk_number="87654321",
        trade_name="Metaal Brouwer",
        postcode="5141 AA",
        municipality=waalwijk,
        story_what="Lasser Brouwer en zonen",
    )
    contact = EmployerContact.objects.create(
        pk=GUESSED_ID, employer=employer, name="Gerrit Brouwer", user=employer_contact_b
    )
    opening = Opening.objects.create(
        pk=GUESSED_ID, employer=employer, kind="vacancy", title="Lasser Brouwer"
    )
    person = JobSeekerFactory(
        sensitive=True, first_name="Gerrit", last_name="Heijmans", id=GUESSED_ID
    )
    Proposal.objects.create(pk=GUESSED_ID, jobseeker=person, opening=opening)
    today = timezone.localdate()
    DevelopmentPlacement.objects.create(
        pk=GUESSED_ID,
        jobseeker=person,
        employer=employer,
        opening=opening,
        supervisor=contact,
        start_date=today,
        planned_end_date=today + datetime.timedelta(days=90),
        hours_per_week=24,
        learning_goals="Lassen",
        no_displacement_confirmed=True,
        status="active",
    )
    JobOutcome.objects.create(
        pk=GUESSED_ID, jobseeker=person, employer=employer, contract_type="permanent",
        hours_per_week=32, start_date=today, route="direct",
    )  # fmt: skip
    BuddyPairing.objects.create(
        pk=GUESSED_ID, jobseeker=person, buddy_name="Gerrit Brouwer", goals="Netwerk",
        start_date=today, buddy_employer=employer,
    )  # fmt: skip
    Visit.objects.create(
        pk=GUESSED_ID, employer=employer, starts_at=timezone.now(), purpose="Lasser Brouwer bezoek"
    )
    Referral.objects.create(
        pk=GUESSED_ID, referring_employer=employer, company_name="Metaal Brouwer tip", need="x"
    )
    ContactMoment.objects.create(
        pk=GUESSED_ID, employer=employer, happened_at=timezone.now(), kind="phone", summary="Gerrit"
    )
    JobSeekerNote.objects.create(pk=GUESSED_ID, jobseeker=person, text="Heijmans")
    return employer


def _is_back_office(url: str) -> bool:
    return not url.startswith(("/portal/", "/api/", *OPEN_TO_EVERYONE))


@pytest.fixture
def portal_user(company_a, employer_contact_a):
    return employer_contact_a


def test_url_walk_finds_the_back_office_and_the_api():
    urls = dict(all_urls())
    assert len(urls) > 60
    for name in ("employers:list", "jobseekers:list", "visits:list", "portal:candidate"):
        assert name in urls, name
    assert any(url.startswith("/api/v1/jobseekers/") for url in urls.values())


def test_portal_users_reach_no_back_office_page_nor_other_companies_data(
    client, portal_user, other_company, opening_a
):
    client.force_login(portal_user)
    problems = []
    for name, url in all_urls():
        if url.startswith(OPEN_TO_EVERYONE) or name in PUBLIC_NAMES:
            continue
        get_status = None
        for method in ("get", "post"):
            if method == "post" and get_status in (302, 403, 404) and not url.startswith("/api/"):
                # A page that refuses GET refuses POST through the same check (it is tried
                # anyway for POST-only views, 405 on GET, for pages that answered and the API).
                continue
            response = getattr(client, method)(url)
            get_status = get_status or response.status_code
            status = response.status_code
            body = b"" if getattr(response, "streaming", False) else response.content
            text = body.decode(errors="replace")
            leaked = [m for m in SECRET_MARKERS if m in text]
            if leaked:
                problems.append(f"{method.upper()} {url} ({name}) {status} shows {leaked}")
            elif _is_back_office(url):
                if status == 200 or status in (201, 204):
                    problems.append(f"{method.upper()} {url} ({name}) answered {status}")
                elif status in (301, 302) and not response["Location"].startswith(
                    ("/accounts/", "/portal/", "/?", "/")
                ):
                    problems.append(
                        f"{method.upper()} {url} ({name}) redirects to {response['Location']}"
                    )
            elif status in (201, 204):
                problems.append(f"{method.upper()} {url} ({name}) wrote something: {status}")
            # The session must survive (no page logged the user out or switched roles).
        assert client.session.get("_auth_user_id") == str(portal_user.pk), url
    assert not problems, "\n".join(problems)
    # Nothing of the other company was changed by all those POSTs.
    assert Proposal.objects.get(pk=GUESSED_ID).answer == "pending"
    assert Opening.objects.get(pk=GUESSED_ID).status == "open"


@pytest.mark.parametrize("who", ["caseworker_heusden", "coordinator", "alderman"])
def test_staff_do_not_use_the_portal_pages_or_api(client, request, who, proposal_a):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("portal:home")).status_code == 403
    assert client.get(reverse("portal:candidate", args=[proposal_a.pk])).status_code == 403
    assert client.get("/api/v1/portal/proposals/").status_code == 403


def test_portal_users_do_not_reach_the_staff_pages_of_the_portal(
    client, employer_contact_a, company_a
):
    client.force_login(employer_contact_a)
    assert client.get(reverse("portal:staff_requests")).status_code == 403
    assert client.get(reverse("portal:staff_invite", args=[company_a.pk])).status_code == 403
