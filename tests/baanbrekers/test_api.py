import pytest

from tests.baanbrekers.factories import api_token


def test_api_requires_authentication(client, db):
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_me_tells_role_and_municipalities(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    body = client.get("/api/v1/me/").json()
    assert body["role"] == "caseworker"
    assert [m["cbs_code"] for m in body["municipalities"]] == ["GM0797"]


def test_token_authentication(client, employer_contact_a):
    token = api_token(employer_contact_a)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
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


# --- One role permission, one scoped queryset, one exception handler ---------------------------
def _call(view_attrs: dict, method: str, user, action: str | None = None) -> bool:
    from rest_framework.test import APIRequestFactory

    from baanbrekers.api.permissions import RolePermission

    request = getattr(APIRequestFactory(), method.lower())("/")
    request.user = user
    view = type("View", (), {"action": action, **view_attrs})()
    return RolePermission().has_permission(request, view)


def test_role_permission_reads_writes_and_actions_by_named_predicates(
    caseworker_heusden, alderman, employer_contact_a
):
    attrs = {
        "read_if": "has_staff_role",
        "write_if": "works_in_back_office",
        "action_if": {"partial_update": "works_in_back_office_or_for_employer"},
    }
    assert _call(attrs, "GET", alderman)
    assert not _call(attrs, "GET", employer_contact_a)
    assert not _call(attrs, "POST", alderman, "create")
    assert _call(attrs, "POST", caseworker_heusden, "create")
    assert _call(attrs, "PATCH", employer_contact_a, "partial_update")
    assert not _call(attrs, "PATCH", alderman, "partial_update")


def test_role_permission_defaults_and_refuses_unknown_predicates(db, alderman):
    from django.contrib.auth.models import AnonymousUser

    assert _call({}, "GET", alderman)
    assert not _call({}, "GET", AnonymousUser())
    assert not _call({}, "POST", alderman)
    with pytest.raises(LookupError):
        _call({"read_if": "is_someone_i_like"}, "GET", alderman)


@pytest.mark.parametrize(
    ("raised", "status", "body"),
    [
        ("field", 400, {"postcode": ["Geen postcode."]}),
        ("plain", 400, {"non_field_errors": ["Dat kan niet."]}),
        ("denied", 403, None),
        ("missing", 404, None),
        ("http404", 404, None),
    ],
)
def test_exception_handler_maps_service_errors(rf, raised, status, body):
    from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
    from django.http import Http404

    from baanbrekers.api.exceptions import exception_handler

    exc = {
        "field": ValidationError({"postcode": "Geen postcode."}),
        "plain": ValidationError("Dat kan niet."),
        "denied": PermissionDenied(),
        "missing": ObjectDoesNotExist(),
        "http404": Http404(),
    }[raised]
    response = exception_handler(exc, {"request": rf.get("/"), "view": None})
    assert response.status_code == status
    if body is not None:
        assert response.data == body


def test_exception_handler_is_the_projects(settings):
    assert (
        settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]
        == "baanbrekers.api.exceptions.exception_handler"
    )


def test_no_app_defines_its_own_drf_permission_class():
    """One mechanism (baanbrekers.api.permissions): a new BasePermission elsewhere is a second
    home for a role rule."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/api/*.py")
        if "BasePermission" in path.read_text() and path.parent != root / "baanbrekers" / "api"
    ]
    assert offenders == []
