"""Bad input gets a clear answer, never a server error."""

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/jobseekers/?q=ab%00cd",
        "/jobseekers/?skill=%00",
        "/employers/?q=%00",
        "/visits/?view=month&date=2026-11-01%00",
    ],
)
def test_a_nul_character_in_a_page_filter_is_a_clear_400(client, caseworker_heusden, url):
    client.force_login(caseworker_heusden)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_character_in_an_api_filter_is_a_json_400(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    response = client.get("/api/v1/jobseekers/", {"search": "de\x00"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_the_refusal_speaks_dutch(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    response = client.get("/jobseekers/?q=%00", HTTP_ACCEPT_LANGUAGE="nl")
    assert "niet is toegestaan" in response.content.decode()


def test_an_ordinary_search_still_works(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    assert client.get("/jobseekers/?q=de").status_code == 200
