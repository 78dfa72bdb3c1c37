"""Reading an uploaded spreadsheet: storing it encrypted in parts, and streaming its rows back.

Why our own small flow over ``csv`` and ``openpyxl`` rather than django-import-export or tablib:
both of those load the whole file into a Dataset in memory (tablib reads every row before the
first is seen), and django-import-export's resources write through ``Model.save()`` rather than
our services, so the audit events, status events and follow-ups the forms cause would be lost or
need a second copy of every rule. What we need from a library is exactly what the standard
``csv`` module (delimiters, quoting) and ``openpyxl`` in read-only mode (XLSX streamed row by
row) give; the rest (encoding, mapping, validation through the services) is ours anyway.

Encodings a Dutch spreadsheet produces: UTF-8 with or without a BOM (Excel's "CSV UTF-8",
LibreOffice), UTF-16 with a BOM (Excel's "Unicode text", tab-separated) and Windows-1252
(Excel's plain "CSV", which uses semicolons in a Dutch locale). We try them in that order on the
whole file while it is stored, so a single "é" on row 40,000 is not misread; Windows-1252 leaves
five byte values undefined, for which Latin-1 is the last resort.

The file is stored as Fernet tokens of about 1 MB each (``ImportFilePart``, keys
FIELD_ENCRYPTION_KEYS through ``baanbrekers.crypto``) and read back part by part: a CSV is
decoded incrementally, so memory stays flat whatever its size. An XLSX is a zip archive that
openpyxl must seek in; it is rebuilt in memory (compressed, a 50,000-row workbook is a few MB)
and never written to disk in readable form.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from baanbrekers import crypto

PART_SIZE = 1024 * 1024
SNIFF_BYTES = 64 * 1024
DELIMITERS = ";,\t|"
ENCODINGS = ("utf-8", "cp1252", "latin-1")
XLSX_MAGIC = b"PK\x03\x04"
# An XLSX is a zip of XML: a few MB of it can declare gigabytes once unpacked (a "zip bomb"),
# and openpyxl holds the shared strings in memory. Refused before openpyxl opens it: more than
# this many times IMPORT_MAX_BYTES unpacked in all (a real workbook unpacks to 5 to 10 times its
# size), or more members than any workbook has.
XLSX_UNPACKED_FACTOR = 20
XLSX_MAX_MEMBERS = 1000


@dataclass
class FileInfo:
    file_format: str
    encoding: str = ""
    delimiter: str = ""


class UnreadableFile(Exception):
    """The bytes are not a CSV or XLSX we can read (the service turns this into Dutch)."""


# --- Storing and reading back the encrypted parts --------------------------------------------
def encrypt_part(data: bytes) -> str:
    # baanbrekers.crypto encrypts text; Latin-1 maps every byte to one character and back.
    return crypto.encrypt(data.decode("latin-1"))


def decrypt_part(token: str) -> bytes:
    return crypto.decrypt(token).encode("latin-1")


def chunks_of(uploaded_file) -> Iterator[bytes]:
    """The upload in parts of PART_SIZE (Django's UploadedFile, or any binary file)."""
    if hasattr(uploaded_file, "chunks"):
        buffer = b""
        for chunk in uploaded_file.chunks(PART_SIZE):
            buffer += chunk
            while len(buffer) >= PART_SIZE:
                yield buffer[:PART_SIZE]
                buffer = buffer[PART_SIZE:]
        if buffer:
            yield buffer
        return
    while chunk := uploaded_file.read(PART_SIZE):
        yield chunk


class EncodingProbe:
    """Fed the file's parts in order: which of ENCODINGS decodes all of it."""

    def __init__(self, first: bytes):
        if first.startswith(codecs.BOM_UTF8):
            self.candidates = ["utf-8-sig"]
        elif first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.candidates = ["utf-16"]
        else:
            self.candidates = list(ENCODINGS)
        self.decoders = {name: codecs.getincrementaldecoder(name)() for name in self.candidates}

    def feed(self, data: bytes, final: bool = False) -> None:
        for name in list(self.candidates):
            if len(self.candidates) == 1:
                return
            try:
                self.decoders[name].decode(data, final)
            except UnicodeDecodeError:
                self.candidates.remove(name)

    @property
    def encoding(self) -> str:
        return self.candidates[0]


def detect_format(first: bytes, filename: str) -> str:
    if first.startswith(XLSX_MAGIC):
        return "xlsx"
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile("xlsx without zip signature")
    if b"\x00" in first[:4096] and not first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("binary")
    return "csv"


def sniff_delimiter(sample: str) -> str:
    """The delimiter of the first lines: csv.Sniffer among ; , tab |, else the one that occurs
    most often in the header line."""
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    if not lines:
        return ";"
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ";"


# --- Rows -------------------------------------------------------------------------------------
def _text_stream(parts: Iterable[bytes], encoding: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for part in parts:
        text = decoder.decode(part)
        if text:
            yield text
    tail = decoder.decode(b"", True)
    if tail:
        yield tail


class _LineReader(io.TextIOBase):
    """A text file over decoded parts, for csv.reader, which asks line by line."""

    def __init__(self, texts: Iterator[str]):
        self._texts = texts
        self._buffer = ""

    def readable(self) -> bool:
        return True

    def __iter__(self):
        return self

    def __next__(self) -> str:
        while True:
            end = self._buffer.find("\n")
            if end >= 0:
                line, self._buffer = self._buffer[: end + 1], self._buffer[end + 1 :]
                return line
            more = next(self._texts, None)
            if more is None:
                if self._buffer:
                    line, self._buffer = self._buffer, ""
                    return line
                raise StopIteration
            self._buffer += more


def csv_rows(parts: Iterable[bytes], encoding: str, delimiter: str) -> Iterator[list]:
    """Every record of a CSV as a list of strings, streamed (a record is a spreadsheet row,
    even when a quoted cell holds a line break)."""
    reader = csv.reader(_LineReader(_text_stream(parts, encoding)), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        # A cell longer than csv.field_size_limit() (128 kB): an unclosed quote that swallows
        # the rest of the file, or no spreadsheet at all.
        raise UnreadableFile("csv") from exc


def xlsx_unpacked_check(data: bytes, max_bytes: int | None = None) -> None:
    """Raises UnreadableFile for a zip that is not one, has too many members, or unpacks to
    more than XLSX_UNPACKED_FACTOR times ``max_bytes`` (default IMPORT_MAX_BYTES). The sizes
    are the ones the zip declares; Python's zipfile never unpacks more than a member declares."""
    if max_bytes is None:
        from django.conf import settings

        max_bytes = settings.IMPORT_MAX_BYTES
    limit = XLSX_UNPACKED_FACTOR * max_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile("xlsx") from exc
    if len(members) > XLSX_MAX_MEMBERS:
        raise UnreadableFile("xlsx with too many members")
    if sum(member.file_size for member in members) > limit:
        raise UnreadableFile("xlsx too large unpacked")


def xlsx_rows(data: bytes) -> Iterator[list]:
    """The first sheet's rows, cells as openpyxl gives them (text, numbers, datetimes).

    The sheet's declared dimensions are ignored (``reset_dimensions``): a sheet that claims
    A1:XFD1048576 would otherwise have every row, and every missing row between two rows,
    padded to 16,384 cells. Rows are as long as their last cell; callers take missing cells as
    empty."""
    from openpyxl import load_workbook

    xlsx_unpacked_check(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise UnreadableFile("xlsx") from exc
    try:
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):  # read-only sheets have it
            sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def is_empty(row: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def cell_text(value) -> str:
    """A cell as text for the header and for messages; numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def unique_headers(cells: list) -> list[str]:
    """Header texts, each unique: an empty one becomes 'Kolom 3', a repeated one 'Naam (2)'."""
    from django.utils.translation import gettext

    headers: list[str] = []
    for index, cell in enumerate(cells, start=1):
        text = " ".join(cell_text(cell).split()) or gettext("Column %(n)s") % {"n": index}
        name, n = text, 2
        while name in headers:
            name, n = f"{text} ({n})", n + 1
        headers.append(name)
    return headers


def numbered_rows(rows: Iterable[list]) -> Iterator[tuple[int, list]]:
    """(spreadsheet row number, cells) of the non-empty rows; the first non-empty is the header
    and comes out as row number with its cells too (the caller takes it first)."""
    for number, row in enumerate(rows, start=1):
        if not is_empty(row):
            yield number, row
