import re

import pytest


def test_security_headers_and_csp_without_inline_scripts(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attrs for attrs in scripts)
    assert "style=" not in html


def test_session_and_csrf_cookies_are_httponly(client, employer_contact_a):
    from tests.users import PASSWORD

    form = client.get("/accounts/login/")
    assert form.cookies["csrftoken"]["httponly"]
    response = client.post(
        "/accounts/login/", {"login": employer_contact_a.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        ("caseworker_heusden", [], ["/admin/"]),
        ("coordinator", ["/admin/"], []),
        ("alderman", [], ["/admin/"]),
        ("employer_contact_a", [], ["/admin/"]),
    ],
)
def test_navigation_fits_the_role(client, request, who, present, absent):
    client.force_login(request.getfixturevalue(who))
    nav = client.get("/", follow=True).context["nav_items"]
    urls = [item["url"] for item in nav]
    for url in present:
        assert url in urls
    for url in absent:
        assert url not in urls


def test_language_can_be_switched_to_english(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "Follow-ups due" in html


def test_anonymous_home_offers_login(client, db):
    html = client.get("/").content.decode()
    assert "/accounts/login/" in html


def test_static_assets_are_served_locally(client, db):
    html = client.get("/").content.decode()
    for asset in ["vendor/utrecht/component-library.css", "vendor/htmx/htmx.min.js"]:
        assert f"/static/{asset}" in html
    assert "http://" not in re.sub(r'xmlns="http://[^"]*"', "", html).replace(
        "http://testserver", ""
    )
