"""Form pieces shared by the apps."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _


def formfield_https(db_field: models.Field, **kwargs):
    """ModelForm ``Meta.formfield_callback``: a website typed without a scheme gets https://."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ConfirmForm(forms.Form):
    """The confirmation step of a destructive action, without JavaScript: a box to tick.

    A page that ends, cancels or withdraws something posts this form; the view acts only when it
    is valid, and otherwise shows the error next to the box."""

    confirm = forms.BooleanField(
        label=_("Yes, I am sure"),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label
