"""Choosing one of thousands of staff (baanbrekers.widgets: StaffChoiceField, StaffPicker, the
suggestions at /staff/choices/): a select while the set is small, else a text box whose value
is resolved on the server; never anyone ``back_office_staff(user)`` leaves out."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django import forms
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from baanbrekers import widgets
from baanbrekers.access import back_office_staff
from baanbrekers.models import FollowUp, Role
from baanbrekers.widgets import StaffChoiceField
from tests.employers.factories import EmployerFactory
from tests.followups.helpers import schedule_text
from tests.jobseekers.factories import JobSeekerFactory
from tests.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(heusden, waalwijk, caseworker_heusden, caseworker_waalwijk, coordinator, alderman):
    return {
        "jan": make_user(
            "jan.jansen@heusden.example.org",
            Role.CASEWORKER,
            [heusden],
            first_name="Jan",
            last_name="Jansen",
        ),
        "jan2": make_user(
            "j.jansen@waalwijk.example.org",
            Role.CASEWORKER,
            [waalwijk],
            first_name="Jan",
            last_name="Jansen",
        ),
        "petra": make_user(
            "petra@waalwijk.example.org",
            Role.CASEWORKER,
            [waalwijk],
            first_name="Petra",
            last_name="de Vries",
        ),
        "gone": make_user(
            "weg@heusden.example.org",
            Role.CASEWORKER,
            [heusden],
            first_name="Gerda",
            last_name="Weg",
            is_active=False,
        ),
    }


@pytest.fixture
def long_lists(monkeypatch):
    """More staff than a select holds (the national instance's 2,000), without making them."""
    monkeypatch.setattr(widgets, "STAFF_SELECT_MAX", 2)


def _form(user, data=None, **field_kwargs):
    class Form(forms.Form):
        owner = StaffChoiceField(label="Eigenaar", required=False, **field_kwargs)

    form = Form(data)
    form.fields["owner"].queryset = back_office_staff(user)
    return form


def _clean(user, text):
    form = _form(user, {"owner": text})
    with translation.override("nl"):
        valid = form.is_valid()
        return (form.cleaned_data["owner"] if valid else None), form.errors.get("owner")


def test_a_small_set_is_a_select_of_everyone_the_user_may_choose(
    staff, caseworker_heusden, coordinator
):
    html = str(_form(caseworker_heusden, empty_label="Iedereen")["owner"])
    assert html.startswith('<select name="owner"')
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', html)}
    assert offered == {u.pk for u in back_office_staff(caseworker_heusden)}
    assert staff["petra"].pk not in offered and staff["gone"].pk not in offered
    assert '<option value="" selected>Iedereen</option>' in html
    assert not _form(caseworker_heusden)["owner"].help_text


def test_a_long_set_is_a_text_box_with_suggestions_not_a_list_of_everyone(
    staff, coordinator, long_lists
):
    with translation.override("nl"):
        field = _form(coordinator, empty_label="Iedereen")["owner"]
        html = str(field)
        help_text = str(field.help_text)
    assert "<select" not in html and "<option" not in html
    box = re.search(r"<input[^>]*>", html).group(0)
    assert 'type="text"' in box and 'name="owner"' in box and 'id="id_owner"' in box
    assert 'list="id_owner_options"' in box and '<datalist id="id_owner_options">' in html
    assert f'hx-get="{reverse("staff-choices")}"' in box
    assert 'placeholder="Iedereen"' in box
    # How it works is the box's description (aria-describedby), in Dutch; a select has none.
    assert 'aria-describedby="id_owner_helptext"' in box
    assert help_text.startswith("Typ een deel van een naam")


@pytest.mark.parametrize("mode", ["select", "box"])
def test_what_the_box_accepts(staff, coordinator, monkeypatch, mode):
    if mode == "box":
        monkeypatch.setattr(widgets, "STAFF_SELECT_MAX", 2)
    jan, petra = staff["jan"], staff["petra"]
    assert _clean(coordinator, "")[0] is None
    assert _clean(coordinator, str(petra.pk))[0] == petra
    assert _clean(coordinator, "petra")[0] == petra  # one person: chosen
    assert _clean(coordinator, "  de   VRIES ")[0] == petra
    assert _clean(coordinator, "petra@waalwijk.example.org")[0] == petra
    assert _clean(coordinator, "Jan Jansen (jan.jansen@heusden.example.org)")[0] == jan
    # Two Jan Jansens: the e-mail address tells them apart; the name alone asks to choose.
    chosen, errors = _clean(coordinator, "Jan Jansen")
    assert chosen is None
    assert errors == [
        "Meerdere collega's passen bij ‘Jan Jansen’: kies er een uit de suggesties, of typ meer"
        " van de naam of het e-mailadres."
    ]
    assert _clean(coordinator, "xyzzy")[1] == [
        "Geen collega gevonden bij ‘xyzzy’. Typ een deel van een naam of e-mailadres."
    ]
    assert _clean(coordinator, "999999")[1] == ["Kies een collega uit de lijst."]
    assert _clean(coordinator, "9" * 30)[1] == ["Kies een collega uit de lijst."]
    assert _clean(coordinator, "pe\x00tra")[0] == petra  # NUL dropped, no database error


def test_nobody_outside_back_office_staff_can_be_chosen(staff, caseworker_heusden, alderman):
    # Petra works in Waalwijk only; Gerda left; aldermen keep no files.
    for text in ("petra", str(staff["petra"].pk), "Gerda Weg", str(alderman.pk)):
        chosen, errors = _clean(caseworker_heusden, text)
        assert chosen is None and errors, text
    # Of the two Jan Jansens, a caseworker of Heusden knows one: no question which.
    assert _clean(caseworker_heusden, "Jan Jansen")[0] == staff["jan"]


def test_an_ambiguous_entry_offers_the_candidates_and_keeps_what_was_typed(
    staff, coordinator, long_lists
):
    form = _form(coordinator, {"owner": "jansen"})
    assert not form.is_valid()
    html = str(form["owner"])
    assert 'value="jansen"' in html
    assert '<option value="Jan Jansen (jan.jansen@heusden.example.org)">' in html
    assert '<option value="Jan Jansen (j.jansen@waalwijk.example.org)">' in html
    assert "petra" not in html
    # A fresh form of the same class starts empty: one request's candidates stay its own.
    assert "<option" not in str(_form(coordinator)["owner"])


def test_a_chosen_person_shows_by_name_and_address_when_the_form_comes_back(
    staff, coordinator, long_lists
):
    for submitted in (str(staff["petra"].pk), "petra"):
        form = _form(coordinator, {"owner": submitted})
        assert form.is_valid()
        assert 'value="Petra de Vries (petra@waalwijk.example.org)"' in str(form["owner"])


def test_extra_choices_are_accepted_by_key_and_by_label(staff, coordinator, long_lists):
    extra = {"extra_choices": [("none", "Niemand (geen eigenaar)")]}
    for text in ("none", "niemand (geen eigenaar)"):
        form = _form(coordinator, {"owner": text}, **extra)
        assert form.is_valid() and form.cleaned_data["owner"] == "none"
        assert 'value="Niemand (geen eigenaar)"' in str(form["owner"])
    # Offered in the suggestions before anyone is typed.
    assert '<option value="Niemand (geen eigenaar)">' in str(_form(coordinator, **extra)["owner"])


# --- The suggestions -------------------------------------------------------------------------


def _suggestions(client, user, text, **extra):
    client.force_login(user)
    response = client.get(reverse("staff-choices"), {"field": "owner", "owner": text, **extra})
    assert response.status_code == 200
    return re.findall(r'<option value="([^"]*)"></option>', response.content.decode())


def test_suggestions_name_only_staff_the_user_may_choose(
    client, staff, coordinator, caseworker_heusden
):
    # By name, then e-mail address (back_office_staff's order).
    assert _suggestions(client, coordinator, "jansen") == [
        "Jan Jansen (j.jansen@waalwijk.example.org)",
        "Jan Jansen (jan.jansen@heusden.example.org)",
    ]
    assert _suggestions(client, coordinator, "weg") == []  # no longer active
    assert _suggestions(client, caseworker_heusden, "jansen") == [
        "Jan Jansen (jan.jansen@heusden.example.org)"
    ]
    assert _suggestions(client, caseworker_heusden, "petra") == []


def test_suggestions_include_the_fields_own_words_and_escape_everything(client, coordinator):
    found = _suggestions(client, coordinator, "nie", also="Niemand (geen eigenaar)\nIedereen")
    assert found == ["Niemand (geen eigenaar)"]
    client.force_login(coordinator)
    response = client.get(reverse("staff-choices"), {"field": "q", "q": "", "also": "<b>x"})
    assert "<b>" not in response.content.decode() and "&lt;b&gt;x" in response.content.decode()


def test_suggestions_are_limited(client, heusden, coordinator):
    for n in range(widgets.STAFF_OFFERED + 5):
        make_user(f"collega{n}@heusden.example.org", Role.CASEWORKER, [heusden])
    assert len(_suggestions(client, coordinator, "collega")) == widgets.STAFF_OFFERED


# --- The follow-up list's owner filter and reassignment ----------------------------------------


def _followup(subject, assignee, text):
    # A follow-up is one per kind, subject and day: each text its own day.
    due_on = timezone.localdate() - datetime.timedelta(days=len(text))
    return schedule_text(
        kind="test.rule", subject=subject, due_on=due_on, text=text, assignee=assignee
    )


def test_the_followup_owner_filter_by_typing_round_trips(
    client, staff, heusden, coordinator, long_lists
):
    mine = _followup(heusden, staff["petra"], "Petra's actie")
    other = _followup(heusden, staff["jan"], "Jan's actie")
    client.force_login(coordinator)
    response = client.get(reverse("followups"), {"show": "all", "owner": "petra"}, follow=True)
    page = response.content.decode()
    # The address ends with the person's id: no name or e-mail in history or a shared link.
    assert response.redirect_chain == [
        (reverse("followups") + f"?show=all&owner={staff['petra'].pk}", 302)
    ]
    assert f'id="followup-{mine.pk}"' in page
    assert f'id="followup-{other.pk}"' not in page
    assert 'value="Petra de Vries (petra@waalwijk.example.org)"' in page
    # No select of everyone: the page names only the chosen person.
    assert "jan.jansen@heusden.example.org" not in page
    # A link with an id (bookmarks, the old select's addresses) still works and shows the name.
    page = client.get(reverse("followups"), {"show": "all", "owner": staff["petra"].pk})
    assert 'value="Petra de Vries (petra@waalwijk.example.org)"' in page.content.decode()


def test_a_bad_owner_says_why_in_dutch_and_keeps_the_list(client, staff, heusden, coordinator):
    _followup(heusden, staff["jan"], "Jan's actie")
    client.force_login(coordinator)
    response = client.get(reverse("followups"), {"show": "all", "owner": "xyzzy"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Geen collega gevonden bij ‘xyzzy’" in page
    assert "Jan&#x27;s actie" in page or "Jan's actie" in page  # the owner filter is dropped


def test_unowned_followups_by_the_words_of_the_box(client, staff, heusden, coordinator, long_lists):
    _followup(heusden, staff["jan"], "Jan's actie")
    nobody = _followup(heusden, staff["jan"], "Van niemand, nog open")
    FollowUp.objects.filter(pk=nobody.pk).update(assignee=None)
    client.force_login(coordinator)
    for owner in ("none", "Niemand (geen eigenaar)"):
        response = client.get(reverse("followups"), {"show": "all", "owner": owner}, follow=True)
        assert response.request["QUERY_STRING"] == "show=all&owner=none"
        page = response.content.decode()
        assert "Van niemand, nog open" in page and "Jan&#x27;s actie" not in page
        assert 'value="Niemand (geen eigenaar)"' in page


def test_reassigning_to_a_typed_name(client, staff, heusden, coordinator, long_lists):
    row = _followup(heusden, staff["jan"], "Overdragen")
    client.force_login(coordinator)
    response = client.post(
        reverse("followup-assign"), {"followups": [row.pk], "assignee": "de vries"}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=row.pk).assignee == staff["petra"]
    refused = client.post(reverse("followup-assign"), {"followups": [row.pk], "assignee": "Jan"})
    assert refused.status_code == 400
    assert "Meerdere collega&#x27;s passen bij ‘Jan’" in refused.content.decode()


# --- The other places a coordinator chooses among the country's staff ----------------------


def _box(html: str, name: str) -> str:
    return re.search(rf'<input[^>]* name="{name}"[^>]*>', html).group(0)


def test_the_employer_list_owner_filter_by_typing(client, staff, coordinator, long_lists):
    client.force_login(coordinator)
    response = client.get(reverse("employers:list"), {"owner": "de vries"}, follow=True)
    assert response.redirect_chain == [
        (reverse("employers:list") + f"?owner={staff['petra'].pk}", 302)
    ]
    html = response.content.decode()
    assert 'value="Petra de Vries (petra@waalwijk.example.org)"' in _box(html, "owner")
    assert "jan.jansen@heusden.example.org" not in html
    html = client.get(reverse("employers:list"), {"owner": "jansen"}).content.decode()
    assert "Meerdere collega&#x27;s passen bij ‘jansen’" in html


def test_the_jobseeker_list_caseworker_filter_by_typing(
    client, staff, heusden, coordinator, long_lists
):
    petras = JobSeekerFactory(
        municipality=heusden, caseworker=staff["petra"], last_name="Petrazoon"
    )
    JobSeekerFactory(municipality=heusden, caseworker=staff["jan"], last_name="Janszoon")
    client.force_login(coordinator)
    response = client.get(reverse("jobseekers:list"), {"caseworker": "petra"}, follow=True)
    assert response.redirect_chain == [
        (reverse("jobseekers:list") + f"?caseworker={staff['petra'].pk}", 302)
    ]
    html = response.content.decode()
    assert [row.pk for row in response.context["page"].object_list] == [petras.pk]
    assert 'value="Petra de Vries (petra@waalwijk.example.org)"' in _box(html, "caseworker")
    assert '<label class="utrecht-form-label" for="id_caseworker">' in html
    html = client.get(reverse("jobseekers:list"), {"caseworker": "xyzzy"}).content.decode()
    assert "Geen collega gevonden bij ‘xyzzy’" in html


def test_the_employer_form_names_its_owner_in_the_box(
    client, staff, heusden, coordinator, long_lists
):
    employer = EmployerFactory(municipality=heusden, relationship_owner=staff["petra"])
    client.force_login(coordinator)
    html = client.get(reverse("employers:edit", args=[employer.pk])).content.decode()
    box = _box(html, "relationship_owner")
    assert 'value="Petra de Vries (petra@waalwijk.example.org)"' in box
    assert "<option" not in html.split('name="relationship_owner"')[1].split("</datalist>")[0]


@pytest.mark.parametrize(
    ("route", "field", "extra"),
    [
        ("followups", "owner", {"show": "all", "person": "de", "overdue": "on"}),
        ("employers:list", "owner", {"q": "bakker", "status": "active"}),
        ("jobseekers:list", "caseworker", {"q": "smit", "sort": "name"}),
    ],
)
def test_a_name_typed_in_a_list_filter_becomes_an_id_in_the_address(
    client, staff, coordinator, route, field, extra
):
    """Chosen from the suggestions, the box sends "Name (e-mail)": the list answers at the same
    address with the person's id instead, every other filter kept, so that a colleague's name
    and e-mail address do not end up in history, bookmarks, shared links or Referer headers."""
    client.force_login(coordinator)
    typed = "Petra de Vries (petra@waalwijk.example.org)"
    response = client.get(reverse(route), {**extra, field: typed})
    assert response.status_code == 302
    path, _sep, query = response["Location"].partition("?")
    assert path == reverse(route)
    assert QueryDict(query) == QueryDict(urlencode({**extra, field: staff["petra"].pk}))
    assert "petra" not in response["Location"].lower()
    # htmx (the employer list's filter) follows the redirect and pushes where it ended.
    htmx = client.get(reverse(route), {**extra, field: typed}, headers={"HX-Request": "true"})
    assert htmx.status_code == 302 and htmx["Location"] == response["Location"]
    # An id, or text that names no one (kept, next to its message), is answered in place.
    assert client.get(reverse(route), {**extra, field: staff["petra"].pk}).status_code == 200
    assert client.get(reverse(route), {**extra, field: "xyzzy"}).status_code == 200
