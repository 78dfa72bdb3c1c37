"""The council report as a tagged, accessible PDF (PDF/UA): structure tree, language, title,
table headers as TH, header words never broken inside; and a clear page without the engine."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from baanbrekers import pdf as pdf_engine
from stats import exports, services
from tests.pdfua import assert_tagged_pdf, pdf_dump

from .conftest import AS_OF

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2024-01", "end": "2026-06"}


@pytest.fixture
def figures(generated):
    services.figures_rebuild(as_of=AS_OF)


@pytest.mark.parametrize("who", ["coordinator", "alderman"])
def test_the_council_report_is_a_tagged_pdf_with_whole_header_words(client, request, who, figures):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("dashboard:export", kwargs={"fmt": "pdf"}), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf_dump(response.content, f"council-report-{who}.pdf")
    report = client.get(reverse("dashboard:index"), PERIOD).context["report"]
    with translation.override("nl"):
        tables = exports.report_tables(report)
        title = exports._heading(report)[0]
    # Every word of every column header, the wide month and comparison tables above all.
    header_words = sorted(
        {word for table in tables for cell in table.header for word in re.findall(r"[\w-]+", cell)}
    )
    assert len(header_words) > 10
    text = assert_tagged_pdf(response.content, title=title, header_words=header_words)
    for table in tables:
        assert table.title in text


def test_without_the_pdf_engine_the_report_says_so_in_dutch(client, coordinator, monkeypatch):
    monkeypatch.setattr(pdf_engine, "pdf_engine_problem", lambda: "cannot load library 'pango'")
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:export", kwargs={"fmt": "pdf"}), PERIOD)
    assert response.status_code == 503
    assert "De pdf kan nu niet worden gemaakt" in response.text
    # The other formats do not need the engine.
    assert client.get(reverse("dashboard:export", kwargs={"fmt": "csv"}), PERIOD).status_code == 200
