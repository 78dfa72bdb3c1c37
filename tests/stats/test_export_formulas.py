"""Exports never carry a live formula (issue 13): names from records are written as text."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from baanbrekers.exports import csv_cell, is_formula_like

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("https://evil.example.org","Klik")'
PERIOD = {"start": "2024-01", "end": "2026-06"}


@pytest.fixture
def evil_municipality(heusden):
    heusden.name = EVIL
    heusden.save(update_fields=["name"])
    return heusden


def _export(client, user, fmt):
    client.force_login(user)
    response = client.get(reverse("dashboard:export", kwargs={"fmt": fmt}), PERIOD)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    assert is_formula_like(start + "1+1")
    assert csv_cell(start + "1+1") == "'" + start + "1+1"


def test_numbers_and_plain_text_stay_as_they_are():
    assert csv_cell(-3) == -3
    assert csv_cell("Heusden") == "Heusden"
    assert csv_cell("< 5") == "< 5"


def test_the_csv_export_writes_a_formula_like_name_as_text(
    client, coordinator, evil_municipality, loon_op_zand, waalwijk
):
    content = _export(client, coordinator, "csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(content), delimiter=";") for cell in row]
    assert "'" + EVIL in cells
    assert not [cell for cell in cells if is_formula_like(cell)]


def test_the_xlsx_export_writes_a_formula_like_name_as_text(
    client, coordinator, evil_municipality, loon_op_zand, waalwijk
):
    workbook = load_workbook(io.BytesIO(_export(client, coordinator, "xlsx")))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value == EVIL:
                    found.append(cell)
    assert found
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found)
