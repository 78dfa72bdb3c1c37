"""The API's one exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

Services raise Django's exceptions, the same ones the pages turn into form errors and error
pages; here they become the matching API responses, so no viewset translates them by hand:

- ``django.core.exceptions.ValidationError`` -> 400 with the field errors (``{"field": [...]}``;
  an error without a field under ``non_field_errors``);
- ``django.core.exceptions.PermissionDenied`` -> 403;
- ``Http404`` and ``ObjectDoesNotExist`` (a ``.get()`` that found nothing) -> 404;
- DRF's ``Throttled`` -> 429 with the project's own message (in the user's language) and a
  ``Retry-After`` header.
"""

from __future__ import annotations

import math

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .throttles import too_many_attempts_message


def exception_handler(exc, context):
    if isinstance(exc, exceptions.Throttled):
        wait = math.ceil(exc.wait) if exc.wait else None
        response = Response({"detail": too_many_attempts_message(wait)}, status=429)
        if wait:
            response["Retry-After"] = str(wait)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    # Http404 and django's PermissionDenied are DRF's own business already (404, 403).
    return drf_exception_handler(exc, context)
