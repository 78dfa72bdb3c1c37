"""Form pieces shared by the apps."""

from django.db import models


def formfield_https(db_field: models.Field, **kwargs):
    """ModelForm ``Meta.formfield_callback``: a website typed without a scheme gets https://."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)
