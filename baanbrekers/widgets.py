"""Form widgets shared by the apps' forms."""

from __future__ import annotations

import html
import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import user_label


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


# --- One of thousands of staff ----------------------------------------------------------------
# A coordinator may choose any of the country's caseworkers (2,000 at national scale): a select
# of them all was most of the follow-up list's 274 KB. Up to STAFF_SELECT_MAX people stay a
# plain select; beyond that the field is a text box: type part of a name or e-mail address, the
# server picks the one person it names (or says why not, listing the candidates), and with
# JavaScript htmx fills the box's <datalist> from /staff/choices/ while typing.
STAFF_SELECT_MAX = 200
STAFF_OFFERED = 20  # suggestions at a time
_STAFF_COLUMNS = ("pk", "first_name", "last_name", "email")
_STAFF_COLUMNS_DB = ("id", "first_name", "last_name", "email")
_STOCK_EMPTY_LABEL = "---------"  # ModelChoiceField's: a select's blank line, no placeholder
_EMAIL_IN_BRACKETS = re.compile(r"^(?P<name>.*)\((?P<email>[^()\s]+@[^()\s]+)\)$")


def staff_choice_text(first_name: str, last_name: str, email: str) -> str:
    """How a person is written in the staff text box: the name with the e-mail address, which
    tells apart namesakes and names the person exactly when the form comes back."""
    name = user_label(first_name, last_name, email)
    return email if name == email else f"{name} ({email})"


def staff_matching(queryset: QuerySet, text: str) -> QuerySet:
    """The people of ``queryset`` that ``text`` names: "Name (e-mail)" as the box writes it is
    that e-mail address; else every word is part of the first name, last name or e-mail."""
    text = " ".join(str(text).replace("\x00", "").split())  # PostgreSQL refuses NUL
    bracketed = _EMAIL_IN_BRACKETS.match(text)
    if bracketed:
        return queryset.filter(email__iexact=bracketed["email"])
    for word in text.split()[:5]:
        queryset = queryset.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return queryset


def staff_options_html(queryset: QuerySet, text: str, also=()) -> str:
    """The ``<option>``s of the staff box's datalist for ``text``: the field's own words
    (``also``, e.g. "Nobody") that contain it, then up to STAFF_OFFERED people it names."""
    words = " ".join(str(text).split()).casefold()
    extra = [label for label in also if words in str(label).casefold()]
    rows = staff_matching(queryset, text).values_list(*_STAFF_COLUMNS)[:STAFF_OFFERED]
    texts = [*extra, *(staff_choice_text(*row[1:]) for row in rows)]
    return mark_safe(  # noqa: S308 - escaped
        "".join(f'<option value="{html.escape(str(value))}"></option>' for value in texts)
    )


class StaffPicker(forms.Widget):
    """Drawn by StaffChoiceField: a LongSelect of everyone for a small set, else a text box with
    a datalist of suggestions (see STAFF_SELECT_MAX)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.queryset = None
        self.empty_label = None
        self.extra_choices: tuple[tuple[str, str], ...] = ()
        self._fresh()

    def _fresh(self):
        self.resolved: dict[str, object] = {}  # typed text -> the person or key it named
        self.offered: list[tuple] = []  # candidates after an ambiguous entry
        self._rows: list[tuple] | None = None  # everyone, when few enough for a select
        self._long: bool | None = None

    def __deepcopy__(self, memo):
        # Each form gets its own state: what one request typed never shows in another's.
        obj = super().__deepcopy__(memo)
        obj._fresh()
        return obj

    @property
    def is_long(self) -> bool:
        """More than STAFF_SELECT_MAX people; else they are read (one query, also for the check
        of a chosen id) into ``rows``."""
        if self._long is None:
            rows = []
            if self.queryset is not None:
                rows = list(self.queryset.values_list(*_STAFF_COLUMNS)[: STAFF_SELECT_MAX + 1])
            self._long = len(rows) > STAFF_SELECT_MAX
            self._rows = None if self._long else rows
        return self._long

    def listed(self, pk: int):
        """The person of a small set's list with this id (their name columns), or None."""
        for row in self._rows or ():
            if row[0] == pk:
                return self.queryset.model.from_db(self.queryset.db, _STAFF_COLUMNS_DB, row)
        return None

    def format_value(self, value):
        return "" if value is None else str(value)

    def _chosen_text(self, text: str) -> str:
        """What the box shows for a submitted or initial value: the person's name and address,
        the label of a key ("none"), else what was typed (kept, next to its error)."""
        for key, label in self.extra_choices:
            if text == key:
                return str(label)
        chosen = self.resolved.get(text)
        if chosen is None and text.isascii() and text.isdigit() and int(text) < 2**31:
            row = self.queryset.filter(pk=int(text)).values_list(*_STAFF_COLUMNS[1:]).first()
            return staff_choice_text(*row) if row else text
        if hasattr(chosen, "email"):
            return staff_choice_text(chosen.first_name, chosen.last_name, chosen.email)
        if isinstance(chosen, str):
            return self._chosen_text(chosen)
        return text

    def _chosen_key(self, text: str) -> str:
        """The select's value for a submitted text: the key or person it named."""
        chosen = self.resolved.get(text, text)
        return str(getattr(chosen, "pk", chosen))

    def render(self, name, value, attrs=None, renderer=None):
        text = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        if not self.is_long:
            select = LongSelect(attrs=attrs)
            select.choices = [
                *([("", self.empty_label)] if self.empty_label is not None else []),
                *self.extra_choices,
                *((str(row[0]), user_label(*row[1:])) for row in self._rows),
            ]
            return select.render(name, self._chosen_key(text), renderer=renderer)
        list_id = f"{attrs.get('id') or f'id_{name}'}_options"
        also = [str(label) for _key, label in self.extra_choices]
        box = {
            "type": "text",
            "name": name,
            "value": self._chosen_text(text) if text else "",
            **attrs,
            "list": list_id,
            "size": 40,  # "Name (e-mail address)" fits
            "autocomplete": "off",
            "spellcheck": "false",
            "hx-get": reverse("staff-choices"),
            "hx-vals": json.dumps({"field": name, **({"also": "\n".join(also)} if also else {})}),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "hx-push-url": "false",  # not inherited from a filter form that pushes its own
        }
        if self.empty_label is not None and str(self.empty_label) != _STOCK_EMPTY_LABEL:
            box["placeholder"] = str(self.empty_label)
        offered = [*also] if not self.offered else []
        offered += [staff_choice_text(*row[1:]) for row in self.offered]
        options = "".join(f'<option value="{html.escape(v)}"></option>' for v in offered)
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input{_attrs(box)}><datalist id="{escape(list_id)}">{options}</datalist>'
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StaffChoiceField(forms.ModelChoiceField):
    """One of the back-office staff a user may choose: give it ``back_office_staff(user)`` (or a
    part of it) as queryset; the suggestions endpoint asks the same function, so it never offers
    anyone the field would refuse. Accepts an id (links, the select), "Name (e-mail)" as the box
    writes it, or any words that name one person; ``extra_choices`` are keys with their own
    label ("none", "Nobody") that the box accepts by key or label. Cleans to the person (a
    ``User`` with its name columns) or the key."""

    widget = StaffPicker
    default_error_messages = {
        "invalid_choice": _("Choose a colleague from the list."),
        "no_match": _("No colleague matches “%(text)s”. Type part of a name or e-mail address."),
        "several": _(
            "Several colleagues match “%(text)s”: choose one from the suggestions, or type more "
            "of the name or the e-mail address."
        ),
    }

    def __init__(self, queryset=None, *, extra_choices=(), **kwargs):
        super().__init__(queryset, **kwargs)
        self.extra_choices = tuple((key, label) for key, label in extra_choices)

    @property
    def help_text(self):
        """The box says how it works (as the field's description, above it and linked to it by
        aria-describedby); a select needs no words."""
        if self._help_text or not self.widget.is_long:
            return self._help_text
        return _("Type part of a name or e-mail address, then choose from the suggestions.")

    @help_text.setter
    def help_text(self, value):
        self._help_text = value

    @property
    def extra_choices(self):
        return self.widget.extra_choices

    @extra_choices.setter
    def extra_choices(self, value):
        self.widget.extra_choices = value

    def _get_queryset(self):
        return self._queryset

    def _set_queryset(self, queryset):
        self._queryset = None if queryset is None else queryset.all()
        self.widget.queryset = self._queryset
        self.widget.empty_label = self.empty_label if hasattr(self, "empty_label") else None

    queryset = property(_get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.queryset = result._queryset
        result.widget.empty_label = result.empty_label
        result.widget.extra_choices = self.widget.extra_choices
        return result

    def prepare_value(self, value):
        if hasattr(value, "_meta"):
            return str(value.pk)
        return value

    def to_python(self, value):
        text = " ".join(str(value or "").replace("\x00", "").split())[:100]
        if not text:
            return None
        chosen = self._chosen(text)
        # Remembered as typed too: the widget shows this person when the form comes back.
        self.widget.resolved[text] = self.widget.resolved[str(value)] = chosen
        return chosen

    def _chosen(self, text: str):
        for key, label in self.extra_choices:
            if text == key or text.casefold() == str(label).casefold():
                return key
        if text.isascii() and text.isdigit():
            if int(text) > 2**31 - 1:  # beyond an id column: not anyone
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            if self.widget.is_long:
                chosen = self.queryset.only(*_STAFF_COLUMNS).filter(pk=int(text)).first()
            else:
                chosen = self.widget.listed(int(text))
            if chosen is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return chosen
        return self._named(text)

    def _named(self, text: str):
        people = list(
            staff_matching(self.queryset, text).only(*_STAFF_COLUMNS)[: STAFF_OFFERED + 1]
        )
        if len(people) > 1:
            folded = text.casefold()
            exact = [
                p
                for p in people
                if folded
                in (
                    p.email.casefold(),
                    user_label(p.first_name, p.last_name, p.email).casefold(),
                )
            ]
            people = exact if len(exact) == 1 else people
        if len(people) == 1:
            return people[0]
        if not people:
            raise ValidationError(
                self.error_messages["no_match"], code="no_match", params={"text": text}
            )
        self.widget.offered = [
            (p.pk, p.first_name, p.last_name, p.email) for p in people[:STAFF_OFFERED]
        ]
        raise ValidationError(self.error_messages["several"], code="several", params={"text": text})

    def has_changed(self, initial, data):
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        return str(self.prepare_value(initial) or "") != str(self.prepare_value(chosen) or "")


def staff_ids_query(form: forms.Form):
    """A bound GET filter form's query with every staff box's typed text ("Anna de Vries
    (anna@gemeente.example)", or a part of a name) replaced by the id or key it named: an
    address, its history entry, a shared link and a Referer then carry no colleague's name or
    e-mail address. None when there is nothing to replace (ids, keys, blanks, or text that
    named nobody or several, which stays to be corrected next to its message). Call it after
    the form was validated."""
    cleaned = getattr(form, "cleaned_data", {})
    query = None
    for name, field in form.fields.items():
        if not isinstance(field, StaffChoiceField) or cleaned.get(name) in (None, ""):
            continue
        chosen = cleaned[name]
        value = str(getattr(chosen, "pk", chosen))
        key = form.add_prefix(name)
        if form.data.get(key) != value:
            query = query or form.data.copy()
            query[key] = value
    return query
