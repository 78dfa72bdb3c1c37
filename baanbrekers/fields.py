"""Model fields that store a value in one notation, whoever typed it and wherever.

``clean`` (run by ``full_clean``: ModelForms and every service) validates and normalises, so
'5171ab' is stored as '5171 AB' and '0612345678' as '06 12345678'. Queries are left alone: the
normalising is in ``clean``, not ``to_python``, so a partial postcode in a search still works.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import normalise_phone, normalise_postcode, validate_phone, validate_postcode


class PostcodeField(models.CharField):
    """A Dutch postcode, stored as '5171 AB'."""

    default_validators = [validate_postcode]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    def clean(self, value, model_instance):
        value = super().clean(value, model_instance)
        return normalise_postcode(value) if value else value

    def formfield(self, **kwargs):
        kwargs.setdefault("help_text", self.help_text or _("For example 5171 AB."))
        field = super().formfield(**kwargs)
        field.widget.attrs.setdefault("autocomplete", "postal-code")
        return field


class PhoneField(models.CharField):
    """A phone number, stored as '06 12345678' (Dutch) or '+32 2 123 45 67' (elsewhere)."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)

    def clean(self, value, model_instance):
        value = super().clean(value, model_instance)
        return normalise_phone(value) if value else value

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.widget.input_type = "tel"
        field.widget.attrs.setdefault("autocomplete", "tel")
        return field
