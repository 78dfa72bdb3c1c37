"""Form widgets shared by the apps' forms."""

from __future__ import annotations

import html

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


def _text(value) -> str:
    # conditional_escape without its lazy-string wrapper: hundreds of calls per select.
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False left out, True as a bare name.
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def option_tag(value, label, selected: bool) -> str:
    """One ``<option>``, escaped, exactly as Django's select_option.html writes it."""
    text = "" if value is None else str(value)
    return (
        f'\n  <option value="{html.escape(text)}"'
        f"{' selected' if selected else ''}>{_text(label)}</option>\n"
    )


def option_tags(choices) -> str:
    """The options of (value, label, selected) triples, for a select a template writes itself
    (the job-seeker list's filters): the same markup as ``LongSelect``."""
    return mark_safe("".join(option_tag(*choice) for choice in choices))  # noqa: S308 - escaped


class LongSelect(forms.Select):
    """A select written in Python: the same HTML as Django's select.html and select_option.html,
    without a template include per option. For lists of hundreds (municipalities, staff) and
    the filters of busy lists: the includes were most of the time of the visit agenda and the
    follow-up list."""

    def render(self, name, value, attrs=None, renderer=None):
        # Select.get_context and optgroups, without building a dict per option.
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = self.format_value(value)
        has_selected = False

        def option(option_value, label) -> str:
            nonlocal has_selected
            text = "" if option_value is None else str(option_value)
            selected = (not has_selected or self.allow_multiple_selected) and text in chosen
            has_selected |= selected
            return option_tag(text, label, selected)

        parts = [f'<select name="{conditional_escape(name)}"{_attrs(attrs)}>']
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'\n  <optgroup label="{conditional_escape(option_value)}">')
                parts.extend(option(v, sub) for v, sub in label)
                parts.append("\n  </optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class _ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The options in one plain query of only the columns their labels need (the stock iterator
    reads whole rows through a server-side cursor)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        if self.field.option_fields:
            queryset = queryset.only(*self.field.option_fields)
        for obj in list(queryset):
            yield self.choice(obj)


class LongModelChoiceField(forms.ModelChoiceField):
    """A choice of one of hundreds of rows, drawn by LongSelect. ``option_fields``: the columns
    the option labels need (the chosen row itself is still read whole when the form is cleaned).
    """

    widget = LongSelect
    iterator = _ListedChoiceIterator

    def __init__(self, queryset, *, option_fields: tuple[str, ...] = (), **kwargs):
        self.option_fields = option_fields
        super().__init__(queryset, **kwargs)
