"""What every signed-in request pays (issue 14, "Load"), and that the cheaper way still ends a
session, a deactivated account or a changed role at once.

Sessions are read from Redis with PostgreSQL behind (``cached_db``); allauth's session record
is refreshed once a minute (``UserSessionActivityMiddleware``); the header's addresses are
reversed once per process (``fixed_url``, ``cached_static``, the navigation)."""

import time

import pytest
from allauth.usersessions.models import UserSession
from allauth.usersessions.signals import session_client_changed
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from baanbrekers.middleware import ACTIVITY_KEY
from baanbrekers.models import Role, User
from tests.baanbrekers.test_auth import login

pytestmark = pytest.mark.django_db

SESSION_TABLES = ('"django_session"', '"usersessions_usersession"')


def _session_queries(captured) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in SESSION_TABLES)
    ]


def _signed_in(client, user):
    response = login(client, user)
    assert response.status_code == 302
    # The first page after logging in records the session's client (allauth's record).
    assert client.get(reverse("followups")).status_code == 200
    return client


def test_sessions_are_kept_in_the_cache_and_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_signed_in_page_asks_no_session_query_and_reads_the_user_once(client, caseworker_heusden):
    _signed_in(client, caseworker_heusden)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("followups")).status_code == 200
    assert _session_queries(captured) == []
    users = [q["sql"] for q in captured.captured_queries if 'FROM "baanbrekers_user"' in q["sql"]]
    # The account is read on every request: deactivation and role changes count at once.
    assert len(users) == 1


def test_the_session_survives_an_emptied_cache(client, caseworker_heusden):
    _signed_in(client, caseworker_heusden)
    key = client.session.cache_key
    cache.delete(key)
    assert cache.get(key) is None
    assert client.get(reverse("followups")).status_code == 200
    assert cache.get(key) is not None


def test_ending_the_other_sessions_logs_them_out_at_once(client, caseworker_heusden):
    # Signed in elsewhere (a TOTP code counts once, so without the form here).
    other = Client()
    other.force_login(caseworker_heusden)
    assert other.get(reverse("followups")).status_code == 200
    _signed_in(client, caseworker_heusden)
    assert UserSession.objects.filter(user=caseworker_heusden).count() == 2
    response = client.post(reverse("usersessions_list"))
    assert response.status_code == 302
    page = other.get(reverse("followups"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("followups")).status_code == 200


def test_logging_out_ends_the_session_in_the_cache_too(client, caseworker_heusden):
    _signed_in(client, caseworker_heusden)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # a copied cookie, replayed
    page = client.get(reverse("followups"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))


def test_a_deactivated_account_is_logged_out_on_its_next_request(client, caseworker_heusden):
    _signed_in(client, caseworker_heusden)
    User.objects.filter(pk=caseworker_heusden.pk).update(is_active=False)
    page = client.get(reverse("followups"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))


def test_a_changed_role_counts_on_the_next_request(client, caseworker_heusden):
    _signed_in(client, caseworker_heusden)
    assert 'href="/jobseekers/"' in client.get(reverse("followups")).content.decode()
    User.objects.filter(pk=caseworker_heusden.pk).update(role=Role.EMPLOYER_CONTACT)
    assert client.get(reverse("jobseekers:list")).status_code in (302, 403, 404)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert 'href="/jobseekers/"' not in home


def test_a_changed_password_ends_the_session(client, caseworker_heusden):
    _signed_in(client, caseworker_heusden)
    caseworker_heusden.set_password("another-long-password-1")
    caseworker_heusden.save()
    page = client.get(reverse("followups"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))


# --- allauth's session record, once a minute ------------------------------------------------
def _record(user) -> UserSession:
    return UserSession.objects.get(user=user)


def test_the_session_record_is_refreshed_once_a_minute(client, caseworker_heusden):
    _signed_in(client, caseworker_heusden)
    seen = _record(caseworker_heusden).last_seen_at
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("followups"))
    assert _session_queries(captured) == []
    assert _record(caseworker_heusden).last_seen_at == seen
    session = client.session
    client_hash, tracked_at = session[ACTIVITY_KEY]
    session[ACTIVITY_KEY] = [client_hash, tracked_at - 61]
    session.save()
    client.get(reverse("followups"))
    assert _record(caseworker_heusden).last_seen_at > seen


def test_a_new_address_or_browser_is_recorded_at_once(client, caseworker_heusden):
    _signed_in(client, caseworker_heusden)
    changes = []

    def changed(sender, from_session, to_session, **kwargs):
        changes.append((from_session.user_agent, to_session.user_agent))

    session_client_changed.connect(changed)
    try:
        client.get(reverse("followups"), HTTP_USER_AGENT="Another browser")
    finally:
        session_client_changed.disconnect(changed)
    assert _record(caseworker_heusden).user_agent == "Another browser"
    assert changes and changes[0][1] == "Another browser"


def test_a_session_without_a_record_gets_one(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    assert not UserSession.objects.filter(user=caseworker_heusden).exists()
    client.get("/")
    assert UserSession.objects.filter(user=caseworker_heusden).count() == 1
    started = time.time()
    assert started - client.session[ACTIVITY_KEY][1] < 60


# --- Addresses remembered per process -------------------------------------------------------
def test_fixed_url_is_the_reversed_address():
    html = Template("{% load baanbrekers %}{% fixed_url 'home' %}|{% fixed_url 'followups' %}")
    assert html.render(Context()) == f"{reverse('home')}|{reverse('followups')}"


def test_fixed_url_of_an_unknown_name_fails_as_url_does():
    with pytest.raises(NoReverseMatch):
        Template("{% load baanbrekers %}{% fixed_url 'no-such-page' %}").render(Context())


def test_cached_static_follows_the_static_settings(settings):
    template = Template("{% load baanbrekers static %}{% cached_static 'js/app.js' %}")
    assert template.render(Context()) == Template(
        "{% load static %}{% static 'js/app.js' %}"
    ).render(Context())
    settings.STATIC_URL = "/elsewhere/"
    assert template.render(Context()).startswith("/elsewhere/")


def test_the_cache_reuses_its_redis_client():
    backend = cache._cache
    assert backend.get_client() is backend.get_client()
    cache.set("h2-test-key", {"a": 1}, 5)
    assert cache.get("h2-test-key") == {"a": 1}
    cache.delete("h2-test-key")


# --- The signed-in user, read with a statement compiled once per process -----------------------
def test_the_signed_in_user_is_read_without_compiling_a_query(
    client, caseworker_heusden, monkeypatch
):
    from django.db.models.sql.compiler import SQLCompiler

    _signed_in(client, caseworker_heusden)
    client.get(reverse("followups"))
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        if self.query.model is User:
            compiled.append(self.query)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    response = client.get(reverse("followups"))
    assert response.status_code == 200
    assert response.wsgi_request.user == caseworker_heusden
    assert compiled == []


@pytest.mark.parametrize(
    "backend",
    ["baanbrekers.auth_backends.UserModelBackend", "baanbrekers.auth_backends.AccountBackend"],
)
def test_the_precompiled_read_gives_the_orms_user(backend, caseworker_heusden):
    from django.contrib.auth import load_backend

    read = load_backend(backend).get_user(caseworker_heusden.pk)
    orm = User.objects.get(pk=caseworker_heusden.pk)
    assert read == orm
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert not read._state.adding and read._state.db == "default"
    assert load_backend(backend).get_user(10**9) is None
    User.objects.filter(pk=caseworker_heusden.pk).update(is_active=False)
    assert load_backend(backend).get_user(caseworker_heusden.pk) is None


def test_a_session_begun_through_either_backend_stays_signed_in(client, caseworker_heusden):
    for backend in settings.AUTHENTICATION_BACKENDS[:2]:
        client.force_login(caseworker_heusden, backend=backend)
        assert client.get(reverse("followups")).status_code == 200


# --- The page frame, written in Python --------------------------------------------------------
# The header and language switch as they were written in base.html: the Python ones must give
# the same page (apart from white space).
_FRAME_TEMPLATE = """{% load i18n baanbrekers %}{% get_current_language as LANGUAGE_CODE %}
<header class="bb-header"><div class="bb-header__inner">
<a class="bb-brand utrecht-link" href="{% fixed_url 'home' %}">Baanbrekers</a>
{% if user.is_authenticated %}<div class="bb-header__user">
<span>{{ user }} <span class="bb-role">({{ user.get_role_display }})</span></span>
<a class="utrecht-link" href="{% fixed_url 'account_email' %}">{% translate "My account" %}</a>
<a class="utrecht-link" href="{% fixed_url 'api_tokens' %}">{% translate "API tokens" %}</a>
<form method="post" action="{% fixed_url 'account_logout' %}" class="bb-inline-form">
{% csrf_token %}
<button type="submit" class="utrecht-button utrecht-button--subtle">{% translate "Log out" %}</button>
</form></div>{% endif %}</div>
{% if nav_items %}<nav class="bb-nav" aria-label="{% translate 'Main navigation' %}">
<ul class="bb-nav__list">{% for item in nav_items %}
<li><a class="bb-nav__link" href="{{ item.url }}"{% if item.current %} aria-current="page"{% endif %}>{{ item.label }}</a></li>
{% endfor %}</ul></nav>{% endif %}</header>
<form action="{% fixed_url 'set_language' %}" method="post" class="bb-language">
{% csrf_token %}
<input name="next" type="hidden" value="{{ request.get_full_path }}">
<label class="utrecht-form-label" for="language-select">{% translate "Language" %}</label>
<select id="language-select" name="language" class="utrecht-select utrecht-select--html-select">
{% get_available_languages as LANGUAGES %}{% for code, name in LANGUAGES %}
<option value="{{ code }}"{% if code == LANGUAGE_CODE %} selected{% endif %}>{% if code == "nl" %}Nederlands{% else %}English{% endif %}</option>
{% endfor %}</select>
<button type="submit" class="utrecht-button utrecht-button--secondary-action">{% translate "Switch" %}</button>
</form>"""


def _squeezed(html: str) -> str:
    import re

    # Each rendering masks the CSRF token anew.
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("path", ["/followups/", '/jobseekers/?q=<b>&x="1"', "/"])
def test_the_frame_in_python_is_the_template_it_replaced(
    rf, caseworker_heusden, language, path, settings
):
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import get_token
    from django.template import RequestContext
    from django.utils import translation

    from baanbrekers.context_processors import navigation

    User.objects.filter(pk=caseworker_heusden.pk).update(first_name='<script>"Jan"')
    caseworker_heusden.refresh_from_db()
    for user in (caseworker_heusden, AnonymousUser()):
        request = rf.get(path)
        request.user = user
        get_token(request)
        with translation.override(language):
            context = RequestContext(request, {"user": user, **navigation(request)})
            expected = Template(_FRAME_TEMPLATE).render(context)
            actual = Template(
                '{% load baanbrekers %}<header class="bb-header">{% page_header %}</header>'
                "{% language_form %}"
            ).render(context)
        assert _squeezed(actual) == _squeezed(expected)
        assert "<script>" not in actual
