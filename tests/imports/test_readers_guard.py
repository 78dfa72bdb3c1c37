"""XLSX files that would cost far more to read than their size: refused or read cheaply."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from imports import readers, services


def _workbook(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewritten(data: bytes, change=None, extra: dict[str, bytes] | None = None) -> bytes:
    """The same zip with members changed by ``change(name, bytes)`` and ``extra`` added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if change is not None:
                content = change(info.filename, content)
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def test_an_ordinary_workbook_passes_the_check_and_is_read():
    data = _workbook([["Naam", "KvK"], ["Bakkerij De Korf", "12345678"]])
    readers.xlsx_unpacked_check(data, max_bytes=len(data))
    assert list(readers.xlsx_rows(data)) == [["Naam", "KvK"], ["Bakkerij De Korf", "12345678"]]


def test_a_zip_bomb_is_refused_before_openpyxl_unpacks_it(settings):
    # 2 MB of zeros compress to about 2 kB: the file stays tiny, its content is huge.
    data = _rewritten(
        _workbook([["Naam"], ["Bakkerij De Korf"]]),
        extra={"xl/media/padding.bin": b"\0" * (2 * 1024 * 1024)},
    )
    settings.IMPORT_MAX_BYTES = 64 * 1024  # 20 x 64 kB = 1.25 MB unpacked at most
    assert len(data) < settings.IMPORT_MAX_BYTES
    with pytest.raises(readers.UnreadableFile):
        list(readers.xlsx_rows(data))


def test_a_zip_with_thousands_of_members_is_refused():
    extra = {f"xl/media/{n}.bin": b"" for n in range(readers.XLSX_MAX_MEMBERS + 1)}
    data = _rewritten(_workbook([["Naam"], ["x"]]), extra=extra)
    with pytest.raises(readers.UnreadableFile):
        readers.xlsx_unpacked_check(data, max_bytes=10 * 1024 * 1024)


def test_a_sheet_that_claims_every_column_is_not_padded_to_16384_cells():
    def claim_everything(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', content)

    data = _rewritten(
        _workbook([["Naam", "KvK"], ["Bakkerij De Korf", "12345678"]]), change=claim_everything
    )
    rows = list(readers.xlsx_rows(data))
    assert [len(row) for row in rows] == [2, 2]
    assert rows[1] == ["Bakkerij De Korf", "12345678"]


def test_not_a_zip_at_all_is_unreadable():
    with pytest.raises(readers.UnreadableFile):
        readers.xlsx_unpacked_check(b"PK\x03\x04 not really a zip", max_bytes=1024)


UNCLOSED_QUOTE = b'Naam;KvK\n"Bakkerij De Korf;12345678\n' + b"x" * 200_000 + b"\n"


def test_a_csv_cell_beyond_the_field_limit_is_unreadable_not_a_crash():
    with pytest.raises(readers.UnreadableFile):
        list(readers.csv_rows([UNCLOSED_QUOTE], "utf-8", ";"))


@pytest.mark.django_db
def test_uploading_it_gives_the_dutch_unreadable_message(coordinator):
    with pytest.raises(ValidationError) as caught:
        services.import_upload(
            user=coordinator,
            kind="employers",
            uploaded_file=SimpleUploadedFile("werkgevers.csv", UNCLOSED_QUOTE),
        )
    assert caught.value.code == "unreadable"
