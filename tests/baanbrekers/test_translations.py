"""The Dutch catalogues (issue 11, "Language"): complete, compiled, and in the right voice.

``make messages-check`` (run in CI) is the gate; these tests run the same check, prove that it
goes red on an untranslated or fuzzy entry, and check what the check cannot: the compiled .mo
files match their .po, staff screens say "je" and the portal says "u" (DESIGN.md section 8)."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p
    for p in ROOT.glob("**/locale/nl/LC_MESSAGES/django.po")
    if ".venv" not in p.parts and "node_modules" not in p.parts
)

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs gettext's msgfmt")


def _messages_check(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), "messages-check"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
    )


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as fp:
        catalog = dict(gettext.GNUTranslations(fp)._catalog)
    catalog.pop("", None)  # the header: dates and names, not shown to anyone
    return catalog


def test_every_app_with_translations_has_a_catalogue():
    apps = {p.parts[len(ROOT.parts)] for p in CATALOGUES}
    assert {"locale", "employers", "jobseekers", "visits", "placements", "stats", "portal"} <= apps


def test_no_catalogue_has_an_untranslated_or_fuzzy_entry():
    result = _messages_check(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("damage", ["untranslated", "fuzzy"])
def test_messages_check_goes_red(tmp_path, damage):
    po = tmp_path / "locale/nl/LC_MESSAGES/django.po"
    po.parent.mkdir(parents=True)
    entry = 'msgid "Page not found"\nmsgstr "Pagina niet gevonden"\n'
    if damage == "untranslated":
        entry = 'msgid "Page not found"\nmsgstr ""\n'
    else:
        entry = "#, fuzzy\n" + entry
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: nl\\n"\n\n'
        + entry,
        encoding="utf-8",
    )
    result = _messages_check(tmp_path)
    assert result.returncode != 0
    assert f"{damage}: Page not found" in result.stdout


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT).parts[0]))
def test_compiled_catalogue_matches_its_source(tmp_path, po):
    """A .po edited without ``msgfmt`` shows the old text: the .mo must be compiled from it."""
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)
    assert _catalog(po.with_suffix(".mo")) == _catalog(fresh)


POLITE = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)
FAMILIAR = re.compile(r"\b(je|jij|jou|jouw|jezelf)\b", re.IGNORECASE)


def _entries(po: Path):
    """(source references, msgstr) of each entry of a .po file."""
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        refs = " ".join(line[3:] for line in block.splitlines() if line.startswith("#: "))
        text, in_msgstr = [], False
        for line in block.splitlines():
            if line.startswith("msgstr"):
                in_msgstr = True
                line = line.split(" ", 1)[1]
            elif not line.startswith('"'):
                in_msgstr = False
                continue
            if in_msgstr:
                text.append(line.strip()[1:-1])
        yield refs, "".join(text)


# What staff read; documents for the people themselves (an AVG export, mail) say "u".
STAFF_SOURCES = re.compile(
    r"(views|forms|services|selectors)\.py|templates/(?!.*(pdf|email|mail)/)"
)


@pytest.mark.parametrize("app", ["employers", "jobseekers"])
def test_staff_screens_say_je(app):
    polite = [
        text
        for refs, text in _entries(ROOT / app / "locale/nl/LC_MESSAGES/django.po")
        if refs and STAFF_SOURCES.search(refs) and POLITE.search(text)
    ]
    assert polite == []


def test_the_portal_says_u():
    familiar = [
        s
        for s in _catalog(ROOT / "portal/locale/nl/LC_MESSAGES/django.mo").values()
        if isinstance(s, str) and FAMILIAR.search(s)
    ]
    assert familiar == []


def test_the_leaks_seen_by_users_are_dutch():
    from django.utils import translation

    with translation.override("nl"):
        for english in ("All my follow-ups", "Failed to send", "Not found.", "Page not found"):
            assert translation.gettext(english) != english, english
