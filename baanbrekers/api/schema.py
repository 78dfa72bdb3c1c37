"""The OpenAPI schema's view of this API's errors (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``).

drf-spectacular documents the success answer only. Every operation here can also answer:
- 400: the request's fields are wrong (``{"field": [...]}``), or a query string or body holds a
  control character (``baanbrekers.middleware``, ``baanbrekers.api.parsers``);
- 403: not signed in, a role that may not, two-factor missing, or no CSRF token;
- 404: an id the user may not see (a guessed id is a 404, never a 403), for operations on one
  record;
- 413 / 415: a body too large or not JSON or a form;
- 429: too many requests (``baanbrekers.api.throttles``).
The descriptions are for developers reading the schema, in English like the rest of it.
Written down once here, so the contract that schemathesis checks (tests/baanbrekers/
test_api_contract.py) holds for every operation.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Field errors ({"field": ["..."]}) or a {"detail": "..."} of the middleware or parser.
_FIELD_ERRORS = {"type": "object", "additionalProperties": {}}


def _error(description, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class ProjectAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "400": _error("Invalid request", _FIELD_ERRORS),
            "403": _error("Not allowed", _DETAIL),
            "429": _error("Too many requests", _DETAIL),
        }
        # One record by id, or a page number past the end of a list.
        if "{" in self.path or (self.method == "GET" and self._is_list_view()):
            errors["404"] = _error("Not found, or not visible to you", _DETAIL)
        if self.method in ("POST", "PUT", "PATCH"):
            errors["413"] = _error("Request too large", _DETAIL)
            errors["415"] = _error("Unsupported media type", _DETAIL)
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses
