"""Small pieces every app's views use: role gates and service errors on forms."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from .access import works_in_back_office
from .widgets import staff_ids_query


def user_passes(predicate: Callable) -> Callable:
    """A view decorator: logged in (else to the login page) and ``predicate(user)`` (else 403).

    Which records a user may see is decided later by the apps' scoped access helpers; this only
    keeps a role out of pages that are not for it.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


back_office_required = user_passes(works_in_back_office)


def apply_service_errors(form, exc: ValidationError) -> None:
    """Puts a service's ValidationError next to the fields it names (or on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def staff_ids_redirect(request, form):
    """A GET filter whose staff box holds typed text that named one colleague: the same address
    with that person's id instead (``widgets.staff_ids_query``), else None. htmx follows the
    redirect and pushes the address it ends on."""
    query = staff_ids_query(form)
    return redirect(f"{request.path}?{query.urlencode()}") if query is not None else None
