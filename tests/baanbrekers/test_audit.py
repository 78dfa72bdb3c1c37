import pytest
from django.db import DatabaseError, connection, transaction

from baanbrekers.models import AuditEvent, Municipality
from baanbrekers.services import audit_record


def test_audit_record_names_actor_action_and_object(caseworker_heusden, heusden, rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    event = audit_record(
        actor=caseworker_heusden, action="view", obj=heusden, request=request, detail={"page": "x"}
    )
    assert event.actor == caseworker_heusden
    assert event.actor_email == caseworker_heusden.email
    assert event.object_type == "baanbrekers.Municipality"
    assert event.object_id == str(heusden.pk)
    assert event.ip_address == "10.1.2.3"


def test_unknown_actions_are_refused(caseworker_heusden, heusden):
    with pytest.raises(ValueError):
        audit_record(actor=caseworker_heusden, action="peek", obj=heusden)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE baanbrekers_auditevent SET action = 'create'", "DELETE FROM baanbrekers_auditevent"],
)
def test_the_database_refuses_to_rewrite_the_audit_log(caseworker_heusden, heusden, statement):
    audit_record(actor=caseworker_heusden, action="view", obj=heusden)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 1


def test_deleting_a_user_keeps_their_history(caseworker_heusden, heusden):
    audit_record(actor=caseworker_heusden, action="view", obj=heusden)
    email = caseworker_heusden.email
    caseworker_heusden.delete()
    event = AuditEvent.objects.get()
    assert event.actor_email == email


def test_coordinator_reads_the_audit_log_but_cannot_change_it(client, coordinator, heusden):
    event = audit_record(actor=coordinator, action="view", obj=heusden)
    client.force_login(coordinator)
    assert client.get("/admin/baanbrekers/auditevent/").status_code == 200
    change = client.post(f"/admin/baanbrekers/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert change.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_caseworkers_cannot_read_the_audit_log(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    assert client.get("/admin/baanbrekers/auditevent/", follow=True).status_code == 403


@pytest.mark.django_db
def test_municipality_codes_are_validated():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Municipality(name="Nergens", cbs_code="0797").full_clean()
