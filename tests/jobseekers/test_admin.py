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
    assert AuditEvent.objects.get().action == "view"


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
