from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.db import connections, router


class CoordinatorPermissionBackend(BaseBackend):
    """Coordinators manage users, teams, municipalities and settings: all model permissions.

    This backend authenticates no one; it only answers permission questions, so a coordinator's
    rights follow from the role instead of hand-kept permission rows.
    """

    def has_perm(self, user_obj, perm, obj=None):
        return bool(user_obj.is_active and getattr(user_obj, "role", None) == "coordinator")

    def has_module_perms(self, user_obj, app_label):
        return self.has_perm(user_obj, app_label)


# The statement that reads a user by id, per database alias: (sql, column attnames).
_USER_BY_PK: dict[str, tuple[str, list[str]] | None] = {}


def _user_by_pk_statement(using: str) -> tuple[str, list[str]] | None:
    """``User.objects.get(pk=...)`` compiled once per process: the same statement the ORM runs.

    None when the columns need converting from the database's values (a field with
    ``from_db_value``): then the ORM reads the user, as before."""
    try:
        return _USER_BY_PK[using]
    except KeyError:
        pass
    user_model = get_user_model()
    query = user_model._default_manager.db_manager(using).filter(pk=0).order_by().query
    compiler = query.get_compiler(using)
    sql, params = compiler.as_sql()
    columns = [column for column, _sql, _alias in compiler.select]
    statement = None
    if params == (0,) and not compiler.get_converters(columns):
        statement = (sql, [column.target.attname for column in columns])
    _USER_BY_PK[using] = statement
    return statement


class PrecompiledUserMixin:
    """Reads the signed-in user (once per request, in ``django.contrib.auth.get_user``) with a
    statement compiled once per process instead of building the ORM query every time.

    Building ``User.objects.get(pk=...)`` cost about 1.4 ms of CPU, a third of what a signed-in
    request paid before a page's own work (docs/performance.md). Same statement, same row,
    same checks: ``user_can_authenticate`` (an inactive user is no one) here, the session's
    auth hash (a changed password ends other sessions) in ``get_user`` after it."""

    def get_user(self, user_id):
        user_model = get_user_model()
        using = router.db_for_read(user_model)
        statement = _user_by_pk_statement(using)
        if statement is None:
            return super().get_user(user_id)
        sql, attnames = statement
        with connections[using].cursor() as cursor:
            cursor.execute(sql, (user_id,))
            row = cursor.fetchone()
        if row is None:
            return None
        user = user_model.from_db(using, attnames, row)
        return user if self.user_can_authenticate(user) else None


class UserModelBackend(PrecompiledUserMixin, ModelBackend):
    """Django's ModelBackend (email and password), reading the signed-in user precompiled."""


class AccountBackend(PrecompiledUserMixin, AuthenticationBackend):
    """allauth's backend (it logs a user in after two-factor and email links), reading the
    signed-in user precompiled."""
