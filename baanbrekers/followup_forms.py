"""The to-do list's filter form and the coordinators' bulk reassignment (baanbrekers.views)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .access import back_office_staff
from .followups import (
    FOLLOWUP_SORTS,
    FollowUpFilter,
    followup_kind_choices,
    followup_kinds,
    followup_owners,
)
from .widgets import LongSelect, StaffChoiceField

SORT_CHOICES = [
    ("due", _("Due date, oldest first")),
    ("-due", _("Due date, newest first")),
    ("kind", _("Kind")),
    ("person", _("Person")),
    ("owner", _("Owner")),
]
assert {key.lstrip("-") for key, _l in SORT_CHOICES} <= set(FOLLOWUP_SORTS)


class FollowUpFilterForm(forms.Form):
    """GET parameters of /followups/: works without JavaScript; bad values fall back to
    the defaults rather than an error (a filter never loses the list)."""

    show = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=LongSelect)
    person = forms.CharField(
        label=_("Person"), required=False, max_length=100, help_text=_("Part of the name.")
    )
    # Coordinators: anyone in the country (a text box with suggestions beyond a few hundred).
    owner = StaffChoiceField(
        label=_("Owner"),
        required=False,
        empty_label=_("Everyone"),
        extra_choices=[("none", _("Nobody (no owner)"))],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=SORT_CHOICES, widget=LongSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *followup_kind_choices()]
        if user.is_coordinator:
            self.fields["owner"].queryset = back_office_staff(user)
        else:
            del self.fields["owner"]

    def spec(self) -> tuple[FollowUpFilter, str]:
        """The filter and the sort key; invalid input is dropped field by field (the owner's
        with its message next to the box)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        owner = data.get("owner") or ""
        # Any registered kinds (a link may name one of several that read the same).
        known = followup_kinds()
        kind = ",".join(k for k in (self.data.get("kind") or "").split(",") if k in known)
        spec = FollowUpFilter(
            show=(self.data.get("show") or "mine"),
            kinds=tuple(k for k in kind.split(",") if k),
            person=data.get("person") or "",
            owner=str(getattr(owner, "pk", owner)),
            overdue_only=bool(data.get("overdue")),
        )
        return spec, data.get("sort") or "due"


class FollowUpAssignForm(forms.Form):
    """Coordinators: the chosen rows go to one new owner."""

    followups = forms.TypedMultipleChoiceField(
        label=_("Follow-ups"),
        coerce=int,
        error_messages={"required": _("Tick at least one follow-up.")},
    )
    assignee = StaffChoiceField(
        label=_("New owner"),
        empty_label=_("Choose a colleague"),
        error_messages={"required": _("Choose who takes these follow-ups over.")},
    )

    def __init__(self, *args, ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followups"].choices = [(str(pk), str(pk)) for pk in ids]
        self.fields["assignee"].queryset = followup_owners()
