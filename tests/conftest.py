import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.users", "tests.worker", "tests.smtp"]


# Employers shared by the apps' tests: a bakery in Heusden and a metal workshop in Waalwijk.
@pytest.fixture
def bakery_heusden(heusden):
    from tests.employers.factories import EmployerFactory

    return EmployerFactory(
        trade_name="Bakkerij De Korenschoof",
        kvk_number="11111111",
        postcode="5251 AB",
        city="Vlijmen",
        municipality=heusden,
    )


@pytest.fixture
def metal_waalwijk(waalwijk):
    from tests.employers.factories import EmployerFactory

    return EmployerFactory(
        trade_name="Metaalwerkplaats Van Dongen",
        kvk_number="22222222",
        postcode="5141 GD",
        city="Waalwijk",
        municipality=waalwijk,
        story_what="Wij repareren machines: laswerk en constructies voor de schoenmachinebouw.",
    )


# Job seekers shared by the apps' tests (one definition, not one per app). Neither has consents:
# a test that needs them gives them (``ConsentFactory`` or ``JobSeekerFactory(consenting=True)``).
@pytest.fixture
def heusden_person(heusden):
    """A cook of Vlijmen (Heusden) who tinkers with mopeds, within reach of Waalwijk."""
    from tests.jobseekers.factories import JobSeekerFactory

    return JobSeekerFactory(
        first_name="Ricardo",
        last_name="van Dongen",
        municipality=heusden,
        postcode="5251 AB",
        bsn="111222333",
        max_travel_km=25,
        skills=["koken"],
        interests=["sleutelen aan brommers"],
    )


@pytest.fixture
def waalwijk_person(waalwijk):
    from tests.jobseekers.factories import JobSeekerFactory

    return JobSeekerFactory(
        first_name="Sanne", last_name="Verhoeven", municipality=waalwijk, postcode="5141 CD"
    )


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and used TOTP codes live in Redis; each test starts without them.

    Only our own key prefix is removed: the broker may share the Redis database.
    """
    from django.conf import settings
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(
                "Chromium is required (apt-get install chromium) but /usr/bin/chromium is missing"
            )
        pytest.skip("Debian's chromium is not installed: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


# Waits are for what the user waits for; a ceiling keeps a broken page from stalling CI. The
# ceilings allow for a loaded machine (two cores shared by several test runs: a page that takes
# 1 s alone can take 10 s there), not for a slow first request (``live_server`` warms up).
BROWSER_TIMEOUT_MS = 20_000  # clicks, fills, waits for an element, and ``expect``
NAVIGATION_TIMEOUT_MS = 30_000  # page.goto, reloads, a form post's answer


@pytest.fixture
def page(page):
    from playwright.sync_api import expect

    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    # ``expect`` has its own ceiling (5 s by default), shorter than any wait above.
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    return page


@pytest.fixture(scope="session")
def live_server(live_server, django_db_setup, django_db_blocker):
    """pytest-django's live server, warmed up before the first browser test uses it.

    The first request to a fresh server imports the URL configuration and every view module,
    and loads the templates and static files: over 10 s on a loaded machine, which the first
    browser test would otherwise pay inside its page's timeouts. A failed warm-up only costs
    that time again later; it never fails the session."""
    import re
    import urllib.request

    def fetch(path: str) -> str:
        with urllib.request.urlopen(f"{live_server.url}{path}", timeout=120) as response:
            return response.read().decode("utf-8", "replace")

    with django_db_blocker.unblock():
        try:
            html = fetch("/accounts/login/")
            for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html)[:2]:
                fetch(asset)
        except OSError as exc:  # URLError, HTTPError, timeouts
            print(f"live_server warm-up failed: {exc}")
    return live_server


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` (minutes: workers killed over and over) run only when asked for,
    with ``-m slow`` (as .ci/run does, apart from the rest) or RUN_SLOW=1."""
    if "slow" in (config.getoption("markexpr") or "") or os.environ.get("RUN_SLOW"):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow (CI runs them apart: .ci/run)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
