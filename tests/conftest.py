import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.users", "tests.worker"]


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


@pytest.fixture
def page(page):
    # Waits are for what the user waits for; a short ceiling keeps a broken page from stalling CI.
    page.set_default_timeout(10_000)
    return page
