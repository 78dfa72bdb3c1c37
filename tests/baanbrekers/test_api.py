import pytest
from rest_framework.authtoken.models import Token


def test_api_requires_authentication(client, db):
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_me_tells_role_and_municipalities(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    body = client.get("/api/v1/me/").json()
    assert body["role"] == "caseworker"
    assert [m["cbs_code"] for m in body["municipalities"]] == ["GM0797"]


def test_token_authentication(client, employer_contact_a):
    token = Token.objects.create(user=employer_contact_a)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["email"] == employer_contact_a.email


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/me/" in schema.content.decode()
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger" in docs.content.decode().lower()
