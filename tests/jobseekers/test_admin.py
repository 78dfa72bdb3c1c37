import pytest

from baanbrekers.models import AuditEvent

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/jobseekers/jobseeker/"


def test_coordinator_admin_shows_the_masked_bsn_only(client, coordinator, heusden_person):
    client.force_login(coordinator)
    html = client.get(CHANGELIST).content.decode()
    assert "*****2333" in html
    assert "111222333" not in html
    assert heusden_person.bsn_encrypted not in html
    change = client.get(f"{CHANGELIST}{heusden_person.pk}/change/").content.decode()
    assert "*****2333" in change
    assert heusden_person.bsn_encrypted not in change
    assert heusden_person.bsn_hash not in change
    # The change list's page and the opened file: two views (issue 13: lists are audited too).
    opened = AuditEvent.objects.get(object_id=str(heusden_person.pk))
    assert opened.action == "view"
    listed = AuditEvent.objects.get(object_id="")
    assert (listed.action, listed.detail["ids"]) == ("view", [heusden_person.pk])


def test_admin_refuses_bsn_search_and_points_to_the_post_form(client, coordinator, heusden_person):
    client.force_login(coordinator)
    html = client.get(CHANGELIST, {"q": "111222333"}).content.decode()
    assert "van Dongen" not in html
    assert "Zoek op BSN via de pagina Werkzoekenden" in html
    assert "van Dongen" in client.get(CHANGELIST, {"q": "dongen"}).content.decode()


@pytest.mark.parametrize("who", ["caseworker_heusden", "alderman", "employer_contact_a"])
def test_admin_is_for_coordinators_only(client, request, who, heusden_person):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"{CHANGELIST}{heusden_person.pk}/change/")
    assert response.status_code in (302, 403)
    assert "van Dongen" not in response.content.decode()


def _admin_form_data(page) -> dict:
    """What the admin's change form would post unchanged: its fields and the inlines'
    management forms."""
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def test_changing_the_caseworker_in_the_admin_moves_open_followups(
    client, coordinator, caseworker_heusden, heusden
):
    """The admin saves through jobseekers.services, as the page does: open follow-ups about the
    person move to the new caseworker, and the change is in the audit log."""
    import datetime

    from tests.followups.helpers import schedule_text
    from tests.jobseekers.factories import JobSeekerFactory

    person = JobSeekerFactory(municipality=heusden, caseworker=caseworker_heusden)
    followup = schedule_text(
        kind="test.call",
        subject=person,
        due_on=datetime.date.today(),
        text="Bellen",
        assignee=caseworker_heusden,
    )
    client.force_login(coordinator)
    url = f"{CHANGELIST}{person.pk}/change/"
    data = _admin_form_data(client.get(url))
    data["caseworker"] = str(coordinator.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    followup.refresh_from_db()
    assert person.caseworker == coordinator
    assert followup.assignee == coordinator
    update = AuditEvent.objects.filter(action="update").get()
    assert update.detail["fields"] == ["caseworker"]


def test_the_admin_does_not_change_a_job_seekers_status(client, coordinator, heusden_person):
    client.force_login(coordinator)
    form = client.get(f"{CHANGELIST}{heusden_person.pk}/change/").context["adminform"].form
    assert "status" not in form.fields and "left_on" not in form.fields
