"""The BSN stays out of error reports, URLs and logs, wherever it is typed."""

import logging

import pytest
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from tests.jobseekers.test_pages import valid_form

pytestmark = pytest.mark.django_db


def reported_post(response) -> dict:
    """The POST parameters as Django's error report (500 page, admin mail) would show them."""
    return SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)


@pytest.mark.parametrize(
    "url_name", ["jobseekers:create", "jobseekers:bsn_search"], ids=["create", "search"]
)
def test_error_reports_hide_the_bsn_typed_in_a_form(
    client, caseworker_heusden, heusden, url_name, caplog
):
    client.force_login(caseworker_heusden)
    with caplog.at_level(logging.DEBUG):
        response = client.post(reverse(url_name), valid_form(heusden, bsn="123456782"))
    assert reported_post(response)["bsn"] != "123456782"
    assert "123456782" not in str(reported_post(response))
    assert "123456782" not in caplog.text
    assert "123456782" not in response.get("Location", "")


def test_error_reports_hide_the_bsn_sent_to_the_api(client, caseworker_heusden, heusden, caplog):
    client.force_login(caseworker_heusden)
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/api/v1/jobseekers/",
            {"first_name": "X", "bsn": "123456782", "municipality": heusden.pk},
        )
    assert response.status_code == 400
    assert "123456782" not in str(reported_post(response))
    assert "123456782" not in caplog.text


def test_pages_have_no_inline_styles_or_scripts(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    for url in (
        reverse("jobseekers:list"),
        reverse("jobseekers:detail", args=[heusden_person.pk]),
        reverse("jobseekers:create"),
    ):
        html = client.get(url).content.decode()
        assert "style=" not in html
        assert "<script>" not in html
