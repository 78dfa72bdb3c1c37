"""The API's JSON parser: bounded in size and depth, no control characters (issue 13).

DRF's own JSONParser reads the raw stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE, and lets
Python's RecursionError of a deeply nested document through as a server error. No request of
this API nests deeper than a few levels or carries a control character in a string.
"""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

from baanbrekers.middleware import has_control_characters

# Deeper than any request body of this API (an object holding a list of objects is 3).
MAX_DEPTH = 20
_CONTROL_MESSAGE = _(
    "The request contains a character that is not allowed (NUL or another control character)."
)


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request is too large.")
    default_code = "request_too_large"


class BoundedJSONParser(JSONParser):
    """JSON within DATA_UPLOAD_MAX_MEMORY_SIZE bytes, MAX_DEPTH levels, without NUL or other
    control characters in keys or strings; anything else is a 400 (413 when too large)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise ParseError(_("The JSON is nested too deeply.")) from exc
        except ValueError as exc:
            raise ParseError(_("The JSON could not be read: %(error)s") % {"error": exc}) from exc
        _check(data)
        return data


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON; Python's json accepts them by default.
    raise ValueError(f"{name} is not allowed")


def _check(data) -> None:
    """Depth and control characters, walked without recursion (the depth is what we check)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if has_control_characters(value):
                raise ParseError(_CONTROL_MESSAGE)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(_("The JSON is nested too deeply."))
        if isinstance(value, dict):
            for key, item in value.items():
                if has_control_characters(key):
                    raise ParseError(_CONTROL_MESSAGE)
                pending.append((item, depth + 1))
        else:
            pending.extend((item, depth + 1) for item in value)
