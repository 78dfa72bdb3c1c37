"""The role x route matrix: every route of the URL conf, requested as every role (issue 10).

Routes are walked from ``get_resolver()`` (includes, namespaces and the DRF routers' routes), so a
route added to any app shows up here by itself; it then fails until it has a row in ``MATRIX``.
A row whose route no longer exists fails too. Third-party routes are left out only through
``EXCLUDED``, each with its reason.

Each cell is the status a role gets, as docs/DESIGN.md section 4 says it should:
- anonymous: a page redirects to the login page (302), the API refuses (403: session
  authentication comes first, so DRF answers 403 rather than 401);
- a caseworker of another municipality: lists answer 200 (without the record), the record's own
  id gives 404 — a guessed id never shows someone else's data;
- aldermen: the dashboard, their calendar and the visits they join; 403 on the back office;
- employer contacts: their portal (another company's record is a 404); 403 on the back office;
- staff: 403 on the portal's company pages.
A cell where today's behaviour differs from the design holds ``Known(design, today, why)``: the
test asserts today's status, so the deviation stays written down and visible, and the cell turns
red once fixed (then put the design's status in its place).

Object ids come from one small world (route_matrix_world.py) built once for this module inside a
transaction that is rolled back at the end; every request runs in a savepoint rolled back after
it, so a POST that succeeds changes nothing for the next cell. GET for pages and reads; a route
that only takes POST (or DELETE) is sent that with empty data: roles that may not are refused,
roles that may get the form's or the service's answer (200/302/400 and the like).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .route_matrix_world import ROLES, World, build_world

# --- Which routes are left out, and why ------------------------------------------------------
# Prefixes of the URL path (without the leading slash). Everything else is in the matrix.
EXCLUDED = {
    "accounts/": "allauth's pages (login, sign-up, 2FA, e-mail, sessions): third-party, public by "
    "nature or guarded by allauth itself; our login and MFA flow is tested in test_auth.py",
    "admin/": "Django admin's own pages (login, model pages, autocomplete): third-party; the "
    "entry point /admin/ (admin:index) stays in the matrix for the role check",
    settings.MEDIA_URL.lstrip("/"): "uploaded files, served by Django only with DEBUG (static())",
}
INCLUDED_DESPITE_PREFIX = {"admin:index"}

# --- How URL kwargs are filled -------------------------------------------------------------
# kwarg name -> {route-name prefix: World value}; the longest matching prefix wins ("" = any).
KWARGS = {
    "pk": {
        "followup-done": "followup",
        "followup-retry": "followup",
        "followup-delivered": "followup",
        "employers:": "employer",
        "jobseekers:": "jobseeker",
        "visits:": "visit",
        "placements:opening_": "opening",
        "placements:jobseeker_": "jobseeker",
        "placements:proposal_": "proposal",
        "placements:placement_create": "proposal",
        "placements:placement_": "placement",
        "placements:board_action": "placement",
        "placements:buddy_": "buddy",
        "placements:job_": "job",
        "portal:contact_edit": "employer_contact",
        "portal:opening_close": "opening",
        "portal:opening_edit": "opening",
        "portal:opening_reopen": "opening",
        "portal:evaluation_correct": "placement",
        "portal:candidate": "proposal",
        "portal:placement": "placement",
        "portal:job_check_answer": "job",
        "portal:staff_claim_decide": "claim",
        "v1:employer-detail": "employer",
        "v1:employer-contact-": "employer_contact",
        "v1:employer-note-": "contact_moment",
        "v1:employer-opening-": "opening",
        "v1:jobseeker-": "jobseeker",
        "v1:visit-": "visit",
        "v1:proposal-": "proposal",
        "v1:placement-": "placement",
        "v1:job-": "job",
        "v1:buddy-": "buddy",
        "v1:opening-matches": "opening",
        "v1:jobseeker-matches": "jobseeker",
        "v1:portal-company-": "employer",
        "v1:portal-proposal-": "proposal",
        "v1:portal-placement-": "placement",
        "v1:portal-opening-": "opening",
        "imports:": "import_job",
    },
    "public_id": {"api_token_revoke": "api_token"},
    "employer_pk": {"": "employer"},
    "contact_pk": {"": "employer_contact"},
    "opening_pk": {"": "opening"},
    "evaluation_pk": {"": "evaluation"},
    "referral_pk": {"": "referral"},
    "consent_pk": {"": "consent"},
    "jobseeker_pk": {"": "jobseeker"},
    "user_pk": {"visits:staff_remove": "alderman_user"},
    "action_pk": {"visits:action_done": "visit_action"},
    "action": {
        "placements:placement_action": "placement_action",
        "placements:board_action": "board_action",
    },
    "fmt": {"dashboard:export": "export_format"},
    "token": {"visits:feed": "feed_token", "portal:invitation": "invitation_token"},
}


# --- The table -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Known:
    """A cell where today's behaviour differs from DESIGN.md: ``today`` is asserted, ``design``
    is what it should be. Reported to the lead; fix the code, then write ``design`` instead."""

    design: int
    today: int
    why: str


@dataclass(frozen=True)
class Row:
    method: str
    cells: tuple  # one status (int or Known) per role, in ROLES order


def GET(*cells) -> Row:  # noqa: N802 - named like the request it makes
    return Row("get", cells)


def POST(*cells) -> Row:  # noqa: N802
    return Row("post", cells)


def DELETE(*cells) -> Row:  # noqa: N802
    return Row("delete", cells)


# Every row has one cell per role, in the order of ROLES: anonymous, the caseworker of Heusden
# (the record's municipality), the caseworker of Waalwijk, the coordinator, the alderman of
# Heusden (who joins the visit), the record's company contact, another company's contact.
EVERYONE = (200, 200, 200, 200, 200, 200, 200)
# Back-office pages: caseworkers and coordinators; the record's id is a 404 in another region.
BO_PAGE = (302, 200, 200, 200, 403, 403, 403)
BO_RECORD = (302, 200, 404, 200, 403, 403, 403)
# The back-office API: the same, but anonymous is refused rather than sent to a login page.
BO_API = (403, 200, 200, 200, 403, 403, 403)
BO_API_RECORD = (403, 200, 404, 200, 403, 403, 403)
# The portal: employer contacts only; another company's record is a 404.
PORTAL_PAGE = (302, 403, 403, 403, 403, 200, 200)
PORTAL_RECORD = (302, 403, 403, 403, 403, 200, 404)
PORTAL_API = (403, 403, 403, 403, 403, 200, 200)
PORTAL_API_RECORD = (403, 403, 403, 403, 403, 200, 404)
# Staff pages (caseworkers, coordinators and aldermen alike).
STAFF_PAGE = (302, 200, 200, 200, 200, 403, 403)
# Coordinators only (imports and exports).
COORDINATOR_PAGE = (302, 403, 403, 200, 403, 403, 403)

# Today's deviations from the design are named once here and used in the cells below as
# Known(...); issue 11 fixed the last ones (the visits pages' role gate and region).

MATRIX: dict[str, Row] = {
    # --- Project pages ---------------------------------------------------------------------
    "home": GET(200, 200, 200, 200, 200, 302, 302),  # contacts: on to their portal
    "healthz": GET(*EVERYONE),
    # For orchestrators and Prometheus (issue 15): the probes answer anyone; /metrics is a 404
    # for everyone while no METRICS_TOKEN is set (tests/observability/ test it with a token).
    "livez": GET(*EVERYONE),
    "readyz": GET(*EVERYONE),
    "metrics": GET(404, 404, 404, 404, 404, 404, 404),
    "set_language": POST(302, 302, 302, 302, 302, 302, 302),
    "followups": GET(*STAFF_PAGE),
    "followup-done": POST(302, 302, 404, 302, 404, 403, 403),
    # Coordinators only; nothing ticked is the form's error (400).
    "followup-assign": POST(302, 403, 403, 400, 403, 403, 403),
    # Coordinators resolve mail that failed or may not have arrived (the world's row is still
    # to do, so the service says no and the page goes back to the tab: 302).
    "followup-retry": POST(302, 403, 403, 302, 403, 403, 403),
    "followup-delivered": POST(302, 403, 403, 302, 403, 403, 403),
    # The staff box's suggestions: whoever chooses staff (back-office), among those they may.
    "staff-choices": GET(*BO_PAGE),
    "admin:index": GET(302, 302, 302, 200, 302, 302, 302),  # non-staff: to the admin's login
    "api-schema": GET(*EVERYONE),  # the API's shape, no data: public (DESIGN.md section 7)
    "api-docs": GET(*EVERYONE),
    # Everyone's own API tokens; the world's token is Karin's: anyone else's revoke is a 404.
    "api_tokens": GET(302, 200, 200, 200, 200, 200, 200),
    "api_token_revoke": POST(302, 302, 404, 404, 404, 404, 404),
    # --- Employers -------------------------------------------------------------------------
    "employers:list": GET(*BO_PAGE),
    "employers:create": GET(*BO_PAGE),
    "employers:detail": GET(*BO_RECORD),
    "employers:edit": GET(*BO_RECORD),
    "employers:contact_moment_create": POST(302, 400, 404, 400, 403, 403, 403),
    "employers:contact_create": GET(*BO_RECORD),
    "employers:contact_edit": GET(*BO_RECORD),
    "employers:opening_create": GET(*BO_RECORD),
    "employers:opening_edit": GET(*BO_RECORD),
    "employers:opening_close": POST(302, 302, 404, 302, 403, 403, 403),
    # The world's opening is open: reopening it is refused with a message (back to the file).
    "employers:opening_reopen": POST(302, 302, 404, 302, 403, 403, 403),
    "employers:opening_competences": GET(*BO_RECORD),
    "employers:referral_create": GET(*BO_RECORD),
    "employers:referral_edit": GET(*BO_RECORD),
    "employers:referral_convert": POST(302, 302, 404, 302, 403, 403, 403),
    "employers:referral_decline": POST(302, 302, 404, 302, 403, 403, 403),
    # --- Job seekers -----------------------------------------------------------------------
    "jobseekers:list": GET(*BO_PAGE),
    "jobseekers:bsn_search": POST(302, 200, 200, 200, 403, 403, 403),  # the form, with errors
    "jobseekers:create": GET(*BO_PAGE),
    "jobseekers:detail": GET(*BO_RECORD),
    "jobseekers:update": GET(*BO_RECORD),
    # A person's data for an AVG article 15 request: coordinators only (issue 13).
    "jobseekers:data_export": GET(302, 403, 403, 200, 403, 403, 403),
    "jobseekers:reveal_bsn": POST(302, 200, 404, 200, 403, 403, 403),
    "jobseekers:note_add": POST(302, 200, 404, 200, 403, 403, 403),
    "jobseekers:consent_add": POST(302, 200, 404, 200, 403, 403, 403),
    # An empty POST is the confirmation page again (the box not ticked): nothing withdrawn.
    "jobseekers:consent_withdraw": POST(302, 200, 404, 200, 403, 403, 403),
    "jobseekers:status_change": POST(302, 302, 404, 302, 403, 403, 403),  # empty: back to file
    # --- Visits ----------------------------------------------------------------------------
    "visits:list": GET(*STAFF_PAGE),  # aldermen: the visits they join
    "visits:plan": GET(*BO_PAGE),
    "visits:calendar": GET(*STAFF_PAGE),
    "visits:feed": GET(*EVERYONE),  # the secret token is the credential (calendar apps)
    # Caseworkers: visits of their own region plus the ones they join (DESIGN.md section 4);
    # the Waalwijk caseworker joins none of Heusden's, so the record is a 404.
    "visits:detail": GET(302, 200, 404, 200, 200, 403, 403),
    "visits:edit": GET(*BO_RECORD),
    # An empty POST is the confirmation page again (the box not ticked): nothing cancelled.
    "visits:cancel": POST(302, 200, 404, 200, 403, 403, 403),
    "visits:signups": GET(*BO_RECORD),
    "visits:signup_add": POST(302, 302, 404, 302, 403, 403, 403),
    "visits:signup_remove": POST(302, 302, 404, 302, 403, 403, 403),
    "visits:staff_add": POST(302, 302, 404, 302, 403, 403, 403),
    "visits:staff_remove": POST(302, 302, 404, 302, 403, 403, 403),
    # The world's visit is next week: the report waits for it (back to the visit's page).
    "visits:report": GET(302, 302, 404, 302, 403, 403, 403),
    "visits:action_done": POST(302, 302, 404, 302, 403, 403, 403),
    "visits:briefing": GET(302, 200, 404, 200, 200, 403, 403),
    "visits:ics": GET(302, 200, 404, 200, 200, 403, 403),
    # --- The pipeline ----------------------------------------------------------------------
    "placements:pipeline": GET(302, 200, 200, 200, 200, 403, 403),  # aldermen: figures only
    # A card's move on the board; an empty "complete" is refused by its form (400).
    "placements:board_action": POST(302, 400, 404, 400, 403, 403, 403),
    # The form of that move, on demand (the world's placement is active: "complete" is allowed).
    "placements:board_action_form": GET(*BO_RECORD),
    "placements:opening_matches": GET(*BO_RECORD),
    "placements:opening_propose": POST(302, 302, 404, 302, 403, 403, 403),
    "placements:jobseeker_matches": GET(*BO_RECORD),
    "placements:jobseeker_propose": GET(*BO_RECORD),
    "placements:proposal_detail": GET(*BO_RECORD),
    "placements:proposal_introduction": POST(302, 302, 404, 302, 403, 403, 403),
    "placements:placement_create": GET(*BO_RECORD),
    "placements:placement_detail": GET(*BO_RECORD),
    "placements:placement_edit": GET(*BO_RECORD),  # active: the correction form
    "placements:placement_action": POST(302, 400, 404, 400, 403, 403, 403),
    "placements:job_list": GET(*BO_PAGE),
    "placements:job_create": GET(*BO_RECORD),
    "placements:job_detail": GET(*BO_RECORD),
    # Empty answers: the form's errors (400) for whoever may answer.
    "placements:job_check": POST(302, 400, 404, 400, 403, 403, 403),
    "placements:job_end": POST(302, 400, 404, 400, 403, 403, 403),
    "placements:buddy_list": GET(*BO_PAGE),
    "placements:buddy_create": GET(*BO_RECORD),
    "placements:buddy_detail": GET(*BO_RECORD),
    # --- Statistics ------------------------------------------------------------------------
    "dashboard:index": GET(*STAFF_PAGE),
    "dashboard:report": GET(*STAFF_PAGE),
    "dashboard:export": GET(*STAFF_PAGE),
    # --- Imports and exports (issue 16): coordinators only ------------------------------------
    "imports:index": GET(*COORDINATOR_PAGE),
    "imports:new": GET(*COORDINATOR_PAGE),
    "imports:export": GET(*COORDINATOR_PAGE),
    "imports:mapping": GET(*COORDINATOR_PAGE),  # a checked import may be mapped again
    "imports:preview": GET(*COORDINATOR_PAGE),
    # The world's import has an error row: confirming is refused, back to the preview.
    "imports:confirm": POST(302, 403, 403, 302, 403, 403, 403),
    "imports:progress": GET(302, 403, 403, 302, 403, 403, 403),  # not running: to the preview
    # An empty POST is the confirmation page again (the box not ticked): nothing stopped.
    "imports:cancel": POST(*COORDINATOR_PAGE),
    "imports:report": GET(302, 403, 403, 302, 403, 403, 403),  # not finished: to the preview
    # --- The employer portal ---------------------------------------------------------------
    "portal:home": GET(*PORTAL_PAGE),
    "portal:switch": POST(302, 403, 403, 403, 403, 302, 404),  # to Bakkerij: not Bram's
    "portal:claim": POST(302, 403, 403, 403, 403, 400, 400),
    "portal:register_company": GET(*PORTAL_PAGE),
    "portal:invitation": GET(*EVERYONE),  # the secret token is the credential
    "portal:company": GET(*PORTAL_PAGE),
    "portal:contact_create": GET(*PORTAL_PAGE),
    "portal:contact_edit": GET(*PORTAL_RECORD),
    "portal:openings": GET(*PORTAL_PAGE),
    "portal:opening_create": GET(*PORTAL_PAGE),
    "portal:opening_close": POST(302, 403, 403, 403, 403, 302, 404),
    "portal:opening_edit": GET(*PORTAL_RECORD),
    "portal:opening_reopen": POST(302, 403, 403, 403, 403, 302, 404),
    "portal:evaluation_correct": GET(*PORTAL_RECORD),
    "portal:candidates": GET(*PORTAL_PAGE),
    "portal:candidate": GET(*PORTAL_RECORD),
    "portal:placements": GET(*PORTAL_PAGE),
    "portal:placement": GET(*PORTAL_RECORD),
    "portal:job_checks": GET(*PORTAL_PAGE),
    "portal:job_check_answer": POST(302, 403, 403, 403, 403, 400, 404),
    "portal:referral": GET(*PORTAL_PAGE),
    "portal:impact": GET(*PORTAL_PAGE),
    "portal:impact_pdf": GET(*PORTAL_PAGE),
    "portal:visits": GET(*PORTAL_PAGE),
    "portal:visits_ics": GET(*PORTAL_PAGE),
    # The portal's back-office pages: linking people to companies.
    "portal:staff_requests": GET(*BO_PAGE),
    "portal:staff_claim_decide": POST(302, 302, 404, 302, 403, 403, 403),  # no reason: back
    "portal:staff_invite_find": GET(302, 302, 302, 302, 403, 403, 403),  # no KvK: back
    "portal:staff_invite": GET(*BO_RECORD),
    # --- API -------------------------------------------------------------------------------
    "v1:me": GET(403, 200, 200, 200, 200, 200, 200),
    # Contacts: their own company's file (DESIGN.md section 4), another company's is a 404.
    "v1:employer-list": GET(403, 200, 200, 200, 403, 200, 200),
    "v1:employer-detail": GET(403, 200, 404, 200, 403, 200, 404),
    "v1:employer-contact-list": GET(403, 200, 404, 200, 403, 200, 404),
    "v1:employer-contact-detail": GET(403, 200, 404, 200, 403, 200, 404),
    "v1:employer-note-list": GET(*BO_API_RECORD),  # internal notes: never to employers
    "v1:employer-note-detail": GET(*BO_API_RECORD),
    "v1:employer-opening-list": GET(403, 200, 404, 200, 403, 200, 404),
    "v1:employer-opening-detail": GET(403, 200, 404, 200, 403, 200, 404),
    "v1:jobseeker-list": GET(*BO_API),
    "v1:jobseeker-detail": GET(*BO_API_RECORD),
    "v1:jobseeker-consents": GET(*BO_API_RECORD),
    "v1:jobseeker-notes": GET(*BO_API_RECORD),
    "v1:jobseeker-reveal-bsn": POST(*BO_API_RECORD),
    "v1:jobseeker-withdraw-consent": POST(*BO_API_RECORD),
    "v1:visit-list": GET(403, 200, 200, 200, 200, 403, 403),
    "v1:visit-detail": GET(403, 200, 404, 200, 200, 403, 403),
    "v1:visit-sign-up": POST(403, 400, 404, 400, 403, 403, 403),
    "v1:visit-remove-jobseeker": DELETE(403, 204, 404, 204, 403, 403, 403),
    "v1:proposal-list": GET(*BO_API),
    "v1:proposal-detail": GET(*BO_API_RECORD),
    "v1:proposal-answer": POST(403, 400, 404, 400, 403, 403, 403),
    "v1:placement-list": GET(*BO_API),
    "v1:placement-detail": GET(*BO_API_RECORD),
    "v1:placement-transition": POST(403, 400, 404, 400, 403, 403, 403),
    "v1:job-list": GET(*BO_API),
    "v1:job-detail": GET(*BO_API_RECORD),
    "v1:buddy-list": GET(*BO_API),
    "v1:buddy-detail": GET(*BO_API_RECORD),
    "v1:opening-matches": GET(*BO_API_RECORD),
    "v1:jobseeker-matches": GET(*BO_API_RECORD),
    "v1:stats-list": GET(403, 200, 200, 200, 200, 403, 403),
    "v1:portal-impact": GET(*PORTAL_API),
    "v1:portal-company-list": GET(*PORTAL_API),
    "v1:portal-company-detail": GET(*PORTAL_API_RECORD),
    "v1:portal-proposal-list": GET(*PORTAL_API),
    "v1:portal-proposal-detail": GET(*PORTAL_API_RECORD),
    "v1:portal-proposal-answer": POST(403, 403, 403, 403, 403, 400, 404),
    "v1:portal-placement-list": GET(*PORTAL_API),
    "v1:portal-placement-detail": GET(*PORTAL_API_RECORD),
    "v1:portal-opening-list": GET(*PORTAL_API),
    "v1:portal-opening-detail": GET(*PORTAL_API_RECORD),
    "v1:portal-opening-close": POST(403, 403, 403, 403, 403, 200, 404),
    "v1:portal-opening-reopen": POST(403, 403, 403, 403, 403, 400, 404),  # it is open
}

# Routes whose 302 for anonymous is not a refusal (so not to the login page).
REDIRECT_NOT_TO_LOGIN = {"set_language": "back to where the visitor was, for everyone"}

# What a POST carries beyond nothing: only where the route needs a value to mean anything.
POST_DATA = {
    "portal:switch": lambda world: {"employer": world["employer"]},
}


# --- Walking the URL conf --------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    name: str
    path: str  # the pattern, for messages
    kwargs: tuple[str, ...]


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    """(name, path, kwargs, view module) of every pattern, through includes and namespaces."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full)
        elif isinstance(entry, URLPattern):
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            path = prefix + str(entry.pattern)
            module = getattr(entry.callback, "__module__", "")
            yield name, path, tuple(entry.pattern.regex.groupindex), module


def _plain(path: str) -> str:
    """A DRF router's regex (``api/v1/^employers/$``) as a readable path for prefix checks."""
    return path.replace("^", "").replace("$", "")


def _excluded(name: str | None, path: str) -> bool:
    if name in INCLUDED_DESPITE_PREFIX:
        return False
    return any(_plain(path).startswith(prefix) for prefix in EXCLUDED if prefix)


# Whose views may sit under an excluded prefix: allauth's under /accounts/ (a project view there
# would escape the matrix). Under /admin/ every page, ours included, is wrapped by
# AdminSite.admin_view, whose has_permission lets coordinators only in.
EXCLUDED_VIEWS = {"accounts/": ("allauth.",), settings.MEDIA_URL.lstrip("/"): ("django.",)}


def walk_routes() -> tuple[dict[str, Route], list[str], list[str]]:
    """Every named route outside EXCLUDED; the unnamed ones; project views hiding in EXCLUDED."""
    routes: dict[str, Route] = {}
    unnamed: list[str] = []
    hidden: list[str] = []
    for name, path, kwargs, module in _walk(get_resolver().url_patterns):
        if _excluded(name, path):
            allowed = next((v for p, v in EXCLUDED_VIEWS.items() if p and path.startswith(p)), None)
            if allowed is not None and not module.startswith(allowed):
                hidden.append(f"{name} ({_plain(path)}, {module})")
            continue
        if name is None:
            unnamed.append(path)
            continue
        # A router with format suffixes adds a twin under the same name; the first one counts.
        routes.setdefault(name, Route(name, _plain(path), kwargs))
    return routes, unnamed, hidden


ROUTES, UNNAMED, HIDDEN = walk_routes()


def _source(kwarg: str, route: str) -> str | None:
    choices = KWARGS.get(kwarg, {})
    best = max((p for p in choices if route.startswith(p)), key=len, default=None)
    return None if best is None else choices[best]


def url_for(route: Route, world: World) -> str:
    values, missing = {}, []
    for kwarg in route.kwargs:
        source = _source(kwarg, route.name)
        if source is None:
            missing.append(kwarg)
        else:
            values[kwarg] = world[source]
    if missing:
        pytest.fail(
            f"route {route.name} ({route.path}): cannot fill URL kwargs {missing}; add them to "
            "KWARGS in tests/baanbrekers/test_route_matrix.py (and the record to the world)",
            pytrace=False,
        )
    return reverse(route.name, kwargs=values)


# --- The world, once per module --------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once in a transaction that is never committed; each test's ``db`` runs inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def clients(world, db):
    """One logged-in client per role (force_login: staff have a TOTP authenticator, which is
    all the MFA middleware asks, as in the other access tests)."""
    result = {}
    for role in ROLES:
        client = Client()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        result[role] = client
    return result


@pytest.fixture(autouse=True)
def _no_worker_ping(monkeypatch):
    """/healthz asks the Celery workers (a one-second wait when none runs); the matrix is about
    who may reach it, so that one check is answered here."""
    from baanbrekers import health

    monkeypatch.setitem(health.CHECKS, "celery", lambda: "ok (not asked in this test)")


# The lists are computed at import so that every route and every row is its own test.
ALL_NAMES = sorted(set(ROUTES) | set(MATRIX))


def test_the_walk_finds_the_whole_url_conf():
    assert len(ROUTES) > 100, sorted(ROUTES)
    for name in ("home", "employers:detail", "portal:candidate", "v1:jobseeker-reveal-bsn"):
        assert name in ROUTES, name
    assert not UNNAMED, f"unnamed routes cannot have a row in the matrix: {UNNAMED}"


def test_only_third_party_routes_are_excluded():
    assert not HIDDEN, f"project views under an EXCLUDED prefix, give them a row: {HIDDEN}"


def test_every_row_has_one_status_per_role():
    wrong = [name for name, row in MATRIX.items() if len(row.cells) != len(ROLES)]
    assert not wrong, f"rows without exactly {len(ROLES)} cells: {wrong}"


def _status(client: Client, method: str, url: str, data: dict) -> tuple[int, str]:
    # Each request runs in a savepoint that is rolled back: what a POST changes is undone.
    with transaction.atomic():
        kwargs = {"data": data} if method == "post" else {}
        if method == "delete":
            kwargs = {"content_type": "application/json"}
        response = getattr(client, method)(url, **kwargs)
        transaction.set_rollback(True)
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return response.status_code, location


@pytest.mark.parametrize("name", ALL_NAMES)
def test_route(name, world, clients):
    if name not in MATRIX:
        route = ROUTES[name]
        url = url_for(route, world)
        today = tuple(_status(clients[role], "get", url, {})[0] for role in ROLES)
        pytest.fail(
            f"route {name} ({route.path}) has no row in the matrix: add one to MATRIX in "
            "tests/baanbrekers/test_route_matrix.py, with what DESIGN.md section 4 says each "
            f"role may see (today a GET answers {today}: check each against the design, and "
            "write Known(...) where they differ)",
            pytrace=False,
        )
    if name not in ROUTES:
        pytest.fail(
            f"row {name} has no route in the URL conf: remove it from MATRIX (or from EXCLUDED)",
            pytrace=False,
        )
    route, row = ROUTES[name], MATRIX[name]
    url = url_for(route, world)
    data = POST_DATA[name](world) if name in POST_DATA else {}
    logins = (reverse(settings.LOGIN_URL), reverse("admin:login"))
    problems = []
    for role, cell in zip(ROLES, row.cells, strict=True):
        got, location = _status(clients[role], row.method, url, data)
        if isinstance(cell, Known):
            if got == cell.design:
                problems.append(
                    f"{role}: known deviation fixed ({got}, as DESIGN.md says): write "
                    f"{cell.design} instead of Known(...)"
                )
            elif got != cell.today:
                problems.append(f"{role}: got {got}, expected {cell.today} (known: {cell.why})")
            continue
        if got != cell:
            problems.append(f"{role}: got {got}, expected {cell}")
        elif (
            role == "anonymous"
            and got == 302
            and name not in REDIRECT_NOT_TO_LOGIN
            and not location.startswith(logins)
        ):
            problems.append(f"{role}: redirected to {location}, not to the login page")
    assert not problems, f"{row.method.upper()} {url} ({name}):\n  " + "\n  ".join(problems)


def test_known_deviations_say_what_and_why():
    """Every Known cell names a real difference and its reason; ``-s`` prints them all."""
    for name, row in MATRIX.items():
        for role, cell in zip(ROLES, row.cells, strict=True):
            if isinstance(cell, Known):
                assert cell.design != cell.today and cell.why, (name, role, cell)
                print(f"KNOWN {name} {role}: today {cell.today}, design {cell.design}: {cell.why}")
