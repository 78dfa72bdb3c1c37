"""One date format (issue 11, DESIGN.md section 8): the pages a caseworker reads show dates as
"29 november 2026" (DATE_FORMAT of baanbrekers/formats/nl), never "29 nov 2026", "29-11-26" or
"2026-11-29" in the visible text."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import formats, translation

MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
# What counts as a date in the text, in any format; each must then be the one format.
ANY_DATE = re.compile(
    r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b"  # 29-11-2026, 29/11/26, 29.11.2026
    r"|\b\d{4}-\d{2}-\d{2}\b"  # 2026-11-29
    r"|\b\d{1,2} (?:jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)[a-z]*\.?(?: \d{4})?",
    re.IGNORECASE,
)
ONE_FORMAT = re.compile(rf"\d{{1,2}} (?:{MONTHS})(?: \d{{4}})?")


class _Text(HTMLParser):
    """The text a reader sees: no attributes (datetime="2026-11-29" is for machines), no scripts."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea", "option"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea", "option") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _foreign_dates(text: str) -> list[str]:
    return [m.group(0) for m in ANY_DATE.finditer(text) if not ONE_FORMAT.fullmatch(m.group(0))]


def test_the_format_module_is_the_one_home():
    import datetime

    day = datetime.date(2026, 11, 29)
    with translation.override("nl"):
        assert formats.date_format(day) == "29 november 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "29-11-2026"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d-%m-%Y"


def test_the_checker_sees_other_formats():
    assert _foreign_dates("Gestart op 29 nov 2026, gepland 29-11-2026 en 2026-11-29.") == [
        "29 nov 2026",
        "29-11-2026",
        "2026-11-29",
    ]
    assert _foreign_dates("Van 3 november tot 29 november 2026") == []


@pytest.fixture
def world(caseworker_heusden, heusden_person, bakery_heusden):
    from tests.jobseekers.factories import ConsentFactory
    from tests.placements.factories import make_file_records

    for kind in ("share_profile", "introduction"):
        ConsentFactory(jobseeker=heusden_person, kind=kind)
    make_file_records(user=caseworker_heusden, jobseeker=heusden_person, employer=bakery_heusden)
    return heusden_person, bakery_heusden


def test_pages_show_dates_in_one_format(client, caseworker_heusden, world):
    from placements.models import DevelopmentPlacement, JobOutcome
    from visits.models import Visit

    person, company = world
    client.force_login(caseworker_heusden)
    pages = [
        f"/jobseekers/{person.pk}/",
        f"/employers/{company.pk}/",
        f"/placements/development/{DevelopmentPlacement.objects.first().pk}/",
        f"/visits/{Visit.objects.first().pk}/",
        "/followups/?show=all",
        "/",
    ]
    job = JobOutcome.objects.first()
    if job is not None:
        pages.append(f"/placements/jobs/{job.pk}/")
    seen_dates = 0
    for url in pages:
        response = client.get(url)
        if response.status_code == 404 and url.startswith("/placements/jobs/"):
            continue
        assert response.status_code == 200, url
        text = _visible_text(response.content.decode())
        assert _foreign_dates(text) == [], url
        seen_dates += len(ONE_FORMAT.findall(text))
    assert seen_dates >= 5  # the pages do show dates, so the check means something
