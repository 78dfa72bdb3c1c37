"""Small SQL expressions the ORM does not have."""

from django.db.models import BooleanField, Func


class EqualsAny(Func):
    """``expression = ANY(array)`` (an ``ArraySubquery`` or an array value). The array is
    computed once per statement (an init plan) and the comparison can be an index condition,
    where ``IN (subquery)`` under an OR is checked row by row against a hash of the subquery."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()
