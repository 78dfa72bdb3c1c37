"""The error pages (issue 11, issue 12): Dutch, with the site's or the portal's navigation and a
way back; the 500 page needs no database."""

import pytest
from django.test import Client, RequestFactory
from django.urls import path

from baanbrekers import urls as site_urls

NAV = 'class="bb-nav"'
PORTAL_NAV = 'class="po-subnav"'


def _html(response) -> str:
    return response.content.decode()


def test_404_is_dutch_with_the_sites_navigation_and_a_way_back(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    response = client.get("/bestaat-niet/", HTTP_REFERER="http://testserver/employers/")
    html = _html(response)
    assert response.status_code == 404
    assert '<html lang="nl"' in html
    assert "Pagina niet gevonden" in html and "Not Found" not in html
    assert NAV in html and PORTAL_NAV not in html
    assert 'href="http://testserver/employers/"' in html  # back where the visitor came from
    assert 'href="/"' in html  # and the start page


def test_the_way_back_never_leads_off_the_site(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    html = _html(client.get("/bestaat-niet/", HTTP_REFERER="https://evil.example/phish"))
    assert "evil.example" not in html
    assert "Terug naar de vorige pagina" not in html


def test_portal_404_has_the_portals_navigation(client, employer_contact_a):
    client.force_login(employer_contact_a)
    response = client.get("/portal/bestaat-niet/")
    html = _html(response)
    assert response.status_code == 404
    assert "werkgeversportaal" in html
    assert PORTAL_NAV in html
    assert 'href="/portal/"' in html and "Naar het overzicht van mijn bedrijf" in html


def test_403_is_dutch_with_the_sites_navigation(client, alderman):
    client.force_login(alderman)
    response = client.get("/employers/")
    html = _html(response)
    assert response.status_code == 403
    assert "Geen toegang tot deze pagina" in html and "Forbidden" not in html
    assert NAV in html and PORTAL_NAV not in html


def test_portal_403_is_the_portals_own_page(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    response = client.get("/portal/")
    html = _html(response)
    assert response.status_code == 403
    assert "Dit deel van het portaal" in html
    assert 'href="/portal/"' in html


def test_a_refused_form_csrf_is_explained_in_dutch(caseworker_heusden):
    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker_heusden)
    response = client.post("/followups/assign/", {"owner": "1"})
    html = _html(response)
    assert response.status_code == 403
    assert "Het formulier kon niet worden verstuurd" in html
    assert "CSRF verification failed" not in html and "Referer" not in html
    assert NAV in html


def test_500_page_is_dutch_and_needs_no_database(django_db_blocker):
    from django.urls import get_resolver

    from baanbrekers import errors

    assert get_resolver().resolve_error_handler(500) is errors.server_error
    request = RequestFactory().get("/employers/")
    with django_db_blocker.block():  # any query would raise here
        response = errors.server_error(request)
    html = _html(response)
    assert response.status_code == 500
    assert '<html lang="nl"' in html
    assert "Er ging bij ons iets mis" in html and "Server Error" not in html
    assert 'href="/"' in html


def _boom(request):
    raise RuntimeError("kapot")


# This module doubles as a URLconf: the site's addresses plus one view that fails.
urlpatterns = [path("boom/", _boom)] + site_urls.urlpatterns
handler500 = site_urls.handler500


@pytest.mark.urls(__name__)
def test_a_failing_view_answers_with_the_dutch_500_page(client, caseworker_heusden):
    client.raise_request_exception = False
    client.force_login(caseworker_heusden)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in _html(response)


@pytest.mark.parametrize(
    ("handler", "template"),
    [(403, "403.html"), (404, "404.html"), (500, "500.html")],
)
def test_every_error_handler_is_ours(handler, template):
    from django.template.loader import get_template
    from django.urls import get_resolver

    assert get_resolver().resolve_error_handler(handler).__module__ == "baanbrekers.errors"
    assert get_template(template)
