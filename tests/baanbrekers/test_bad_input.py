"""Bad input gets a clear answer, never a server error."""

import json

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


# --- Issue 13: control characters, far dates, JSON depth and size ----------------------------
@pytest.mark.parametrize("value", ["a\x01b", "\x1b[31mrood", "del\x7f", "vt\x0b"])
def test_a_control_character_in_a_query_string_is_a_clear_400(client, caseworker_heusden, value):
    client.force_login(caseworker_heusden)
    response = client.get("/jobseekers/", {"q": value})
    assert response.status_code == 400
    assert "stuurteken" in response.content.decode()


def test_tabs_and_newlines_in_a_query_string_are_allowed(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    assert client.get("/jobseekers/", {"q": "de\tvries\r\n"}).status_code == 200


def test_a_control_character_in_a_page_form_is_dropped_and_nothing_typed_is_lost(
    client, caseworker_heusden
):
    client.force_login(caseworker_heusden)
    response = client.post(
        "/employers/new/", {"trade_name": "Bakkerij\x01 De Korenschoof", "kvk_number": "1"}
    )
    # The form answers with its own errors (the KvK number), keeping the name without the
    # invisible character, instead of refusing the whole form.
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Bakkerij De Korenschoof"' in html
    assert "\x01" not in html


def test_a_control_character_in_an_api_form_is_a_json_400(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    response = client.post("/api/v1/jobseekers/", {"first_name": "Jan\x02"})
    assert response.status_code == 400
    assert "stuurteken" in response.json()["detail"]


@pytest.mark.parametrize("value", ["Jan\u0000", "Jan\u0007", "\u001b[2J"])
def test_a_control_character_in_json_is_a_clear_400(client, caseworker_heusden, value):
    client.force_login(caseworker_heusden)
    body = json.dumps({"first_name": value, "last_name": "Smit"})
    response = client.post("/api/v1/jobseekers/", body, content_type="application/json")
    assert response.status_code == 400
    assert "stuurteken" in response.json()["detail"]


def test_a_control_character_in_a_json_key_is_a_clear_400(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    body = json.dumps({"first\u0001name": "Jan"})
    response = client.post("/api/v1/jobseekers/", body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("depth", [50, 10_000])
def test_json_nested_too_deeply_is_a_clear_400(client, caseworker_heusden, depth):
    client.force_login(caseworker_heusden)
    body = "[" * depth + "]" * depth
    response = client.post("/api/v1/jobseekers/", body, content_type="application/json")
    assert response.status_code == 400
    assert "te diep genest" in response.json()["detail"]


def test_json_with_nan_is_a_clear_400(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    response = client.post("/api/v1/jobseekers/", '{"a": NaN}', content_type="application/json")
    assert response.status_code == 400


def test_a_json_body_over_the_limit_is_refused(client, caseworker_heusden, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(caseworker_heusden)
    body = json.dumps({"first_name": "x" * 2000})
    response = client.post("/api/v1/jobseekers/", body, content_type="application/json")
    # Django's own limit on request.body (400) or the parser's (413): refused, never parsed.
    assert response.status_code in (400, 413)


def test_the_json_parser_holds_to_the_size_limit_on_its_own(settings):
    import io

    from baanbrekers.api.parsers import BoundedJSONParser, RequestTooLarge

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    parser = BoundedJSONParser()
    assert parser.parse(io.BytesIO(b'{"a": "' + b"x" * 80 + b'"}')) == {"a": "x" * 80}
    with pytest.raises(RequestTooLarge):
        parser.parse(io.BytesIO(b'{"a": "' + b"x" * 100 + b'"}'))


def test_the_body_size_limit_is_sane():
    from django.conf import settings

    assert 64 * 1024 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def test_ordinary_json_still_reaches_the_validation(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    body = json.dumps({"first_name": "Jan", "notes": {"a": [1, {"b": "regel\nregel\ttab"}]}})
    response = client.post("/api/v1/jobseekers/", body, content_type="application/json")
    assert response.status_code == 400  # the serializer's field errors, not the parser's
    assert "detail" not in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "view=month&date=9999-12-31",
        "view=week&date=9999-12-31",
        "view=week&date=0001-01-01",
        "view=month&date=0001-01-01",
    ],
)
def test_a_far_agenda_date_shows_the_nearest_day_the_agenda_covers(
    client, caseworker_heusden, query
):
    client.force_login(caseworker_heusden)
    response = client.get(f"/visits/?{query}")
    assert response.status_code == 200
    assert response.context["day"].year in (1900, 2999)
