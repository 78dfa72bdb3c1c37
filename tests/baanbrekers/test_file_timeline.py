"""The file timeline's entries rendered in Python give the markup the template gave."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from baanbrekers.timeline import FileEntry, choice_label
from jobseekers.models import Consent, ConsentKind

# The per-entry markup of jobseekers/_timeline.html and employers/_file.html before
# FileEntry.html() took it over.
TEMPLATE = Template(
    """<li class="bb-timeline__{{ entry.kind }}" data-kind="{{ entry.kind }}">
        <p class="utrecht-paragraph"><time datetime="{{ entry.at|date:'c' }}">{{ entry.at|date }}{% if entry.has_time %} {{ entry.at|time:"H:i" }}{% endif %}</time>
          · {% if entry.url %}<a class="utrecht-link" href="{{ entry.url }}"><strong>{{ entry.title }}</strong></a>{% else %}<strong>{{ entry.title }}</strong>{% endif %}{% if entry.state %} <span class="bb-tag">{{ entry.state }}</span>{% endif %}{% if entry.author %} · {{ entry.author }}{% endif %}</p>
        {% if entry.text %}<p class="utrecht-paragraph bb-timeline__text">{{ entry.text|linebreaksbr }}</p>{% endif %}
      </li>"""  # noqa: E501
)

ENTRIES = [
    FileEntry(
        at=datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC),
        kind="note",
        title='Note <b>"bold"</b> & more',
        url="/jobseekers/1/?a=1&b=2",
        text="line one\nline <two>\n\nthree & four",
        author="Anne O'Neil",
        state="to <do>",
    ),
    FileEntry(at=datetime.date(2026, 1, 2), kind="followup", title="Plain"),
    FileEntry(at=timezone.now(), kind="visit", title="Visit", url="/visits/3/", state="planned"),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("entry", ENTRIES)
def test_entry_html_is_the_templates_markup(entry, language):
    with translation.override(language):
        expected = TEMPLATE.render(Context({"entry": entry}))
        assert entry.html() == expected


def test_choice_label_is_get_display():
    with translation.override("nl"):
        for kind in [*ConsentKind.values, "unknown"]:
            consent = Consent(kind=kind)
            assert choice_label(consent, "kind") == consent.get_kind_display()
