"""No server error on hostile input (issue 13).

Every GET route of the role x route matrix is sent hostile query strings (NUL and other control
characters, huge numbers, far dates, unicode oddities, very long values) as a caseworker and as
an employer contact: none may answer 5xx. Control characters in forms and JSON are a clear 400,
JSON nested too deeply or too large is refused, far agenda dates show the nearest day.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

# The matrix's world, routes and URL filling; imported by name so that its tests are not
# collected twice (a name starting with test_ would be).
from .test_route_matrix import MATRIX, ROUTES, _no_worker_ping, url_for, world  # noqa: F401

# Every query parameter a page or the API reads (grep request.GET / query_params / filter forms).
PARAMS = [
    "q", "search", "page", "page_size", "per_page", "sort", "ordering", "view", "date", "day",
    "week", "month", "year", "start", "end", "area", "municipality", "status", "skill", "kind",
    "show", "alderman", "caseworker", "ladder_step", "employer", "placement", "kvk", "next",
    "format", "id", "opening", "region",
]  # fmt: skip

LONG = "x" * 3000
HOSTILE = {
    "nul": {name: "ab\x00cd" for name in PARAMS},
    "control": {name: "a\x01\x1b[31m\x7f" for name in PARAMS} | {"q\x07": "de"},
    "huge-int": {name: "9" * 40 for name in PARAMS} | {"page": "-1", "ladder_step": "1e309"},
    "far-future": {name: "9999-12-31" for name in PARAMS}
    | {"view": "month", "start": "9999-12", "end": "9999-12"},
    "far-past": {name: "0001-01-01" for name in PARAMS}
    | {"view": "week", "start": "0001-01", "end": "0001-01"},
    "impossible-date": {name: "2026-13-45" for name in PARAMS}
    | {"start": "0001-01", "end": "9999-12", "area": "region"},
    "unicode": {name: "\u202e\u200b\ufeffİ\u0301😀" for name in PARAMS} | {"q": ["a"] * 200},
    "long": {name: LONG for name in PARAMS},
}
# Raw query strings a client library would not produce: invalid UTF-8 and lone surrogates.
RAW = {"bad-utf8": "q=%FF%FE&date=%C0%AF&search=%ED%A0%80&start=%ED%B0%80"}

ROLES = ("caseworker_heusden", "employer_contact_a")
GET_ROUTES = sorted(name for name, row in MATRIX.items() if row.method == "get" and name in ROUTES)


def _query(params: dict) -> str:
    parts = []
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f"{quote(key, safe='')}={quote(item, safe='')}")
    return "&".join(parts)


def test_the_walk_covers_the_get_routes():
    assert len(GET_ROUTES) > 70, GET_ROUTES


@pytest.mark.parametrize("name", GET_ROUTES)
def test_no_server_error_on_a_hostile_query_string(name, world, db):  # noqa: F811
    url = url_for(ROUTES[name], world)
    queries = {label: _query(params) for label, params in HOSTILE.items()} | RAW
    errors = []
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(world.users[role])
        for label, query in queries.items():
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                errors.append(f"{role} {label}: {response.status_code}")
    assert not errors, f"GET {url} ({name}):\n  " + "\n  ".join(errors)
