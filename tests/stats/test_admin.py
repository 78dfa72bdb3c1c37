import pytest
from django.urls import reverse

from stats import services

pytestmark = pytest.mark.django_db


def test_coordinator_sees_how_current_the_figures_are(client, coordinator):
    services.figures_rebuild()
    client.force_login(coordinator)
    response = client.get(reverse("admin:stats_rollupstate_changelist"))
    assert response.status_code == 200
    assert "Alle cijfers nu opnieuw berekenen" in response.text


def test_alderman_has_no_admin(client, alderman):
    client.force_login(alderman)
    response = client.get(reverse("admin:stats_rollupstate_changelist"))
    assert response.status_code in (302, 403)
