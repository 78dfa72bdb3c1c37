"""Reading a PDF back to check that it is tagged and accessible (PDF/UA): a structure tree,
marked content, the language, a title, table header cells, and header words that are whole."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


def _structure_types(node, seen: set[int] | None = None) -> list[str]:
    """Every structure element's type (/S) in the tree, in document order."""
    seen = set() if seen is None else seen
    if isinstance(node, IndirectObject):
        if node.idnum in seen:
            return []
        seen.add(node.idnum)
        node = node.get_object()
    if isinstance(node, ArrayObject):
        return [kind for child in node for kind in _structure_types(child, seen)]
    if not isinstance(node, DictionaryObject):
        return []  # a marked-content id (an integer)
    kinds = [str(node["/S"])] if "/S" in node else []
    return kinds + _structure_types(node.get("/K", ArrayObject()), seen)


def _assert_nothing_past_the_right_margin(reader: PdfReader, margin: float = 40) -> None:
    """A table too wide for its page runs off the right edge: no text may start in the right
    margin (the stylesheet's margin is 16 mm, about 45 pt)."""
    for number, page in enumerate(reader.pages, start=1):
        width = float(page.mediabox.width)
        starts: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size, starts=starts):
            if text.strip():
                starts.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text.strip()))

        page.extract_text(visitor_text=visit)
        late = [(round(x), text) for x, text in starts if x > width - margin]
        assert not late, f"page {number}: text past the right margin {late[:5]}"


def pdf_dump(content: bytes, name: str) -> None:
    """Keep the PDF for a look by eye (``PDF_DUMP_DIR=/tmp/pdfs pytest ...``)."""
    folder = os.environ.get("PDF_DUMP_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(content)


def assert_tagged_pdf(content: bytes, *, title: str, header_words: list[str]) -> str:
    """Checks the PDF/UA essentials and returns the extracted text of all pages."""
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog, "no structure tree: the PDF is not tagged"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert str(catalog["/Lang"]).lower().startswith("nl")
    assert title in (reader.metadata.title or "")
    # Viewers show the title, not the file name (PDF/UA-1 7.1).
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    kinds = _structure_types(catalog["/StructTreeRoot"])
    for kind in ("/H1", "/Table", "/TR", "/TH", "/TD"):
        assert kind in kinds, f"{kind} missing from the structure tree"
    assert kinds.index("/H1") < kinds.index("/Table"), "reading order: heading before table"
    text = "\n".join(page.extract_text() for page in reader.pages)
    _assert_nothing_past_the_right_margin(reader)
    words = set(re.findall(r"[\w-]+", text))
    for word in header_words:
        # A header word broken inside (hyphenated or wrapped mid-word) is not found whole.
        assert word in words, f"header word {word!r} is not whole in the PDF text"
    return text
