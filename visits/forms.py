"""Forms of the visit pages. Choices are always scoped to what the user may see."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.models import Municipality, Role, User
from baanbrekers.widgets import LongModelChoiceField, LongSelect
from employers.models import Employer, EmployerContact
from jobseekers.models import ConsentKind, JobSeeker

from .access import agenda_aldermen, agenda_municipalities, visit_staff_choices
from .models import StoryField, Visit

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AttendeeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.get_role_display()})"


class VisitForm(forms.Form):
    """Plan or change a visit. The employer is fixed once planned."""

    employer = forms.ModelChoiceField(
        queryset=Employer.objects.none(), label=_("Employer"), widget=LongSelect
    )
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    time = forms.TimeField(label=_("Start time"), widget=TIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=600, initial=90
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=300,
        help_text=_("Leave empty to meet at the employer's address."),
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    host = forms.ModelChoiceField(
        queryset=EmployerContact.objects.none(),
        required=False,
        label=_("Host at the company"),
        widget=LongSelect,
    )
    capacity = forms.IntegerField(
        label=_("Places for job seekers"), min_value=0, max_value=50, initial=4
    )
    aldermen = AttendeeChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Aldermen / mayor who join"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user: User, visit: Visit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        employers = Employer.objects.visible_to(user).select_related("municipality")
        self.fields["employer"].queryset = employers
        self.fields["employer"].label_from_instance = lambda e: f"{e} ({e.municipality})"
        self.fields["host"].queryset = EmployerContact.objects.filter(
            employer__in=employers
        ).select_related("employer")
        self.fields["host"].label_from_instance = lambda c: f"{c.name} – {c.employer}"
        self.fields["aldermen"].queryset = visit_staff_choices(user, roles=(Role.ALDERMAN,))
        if visit is not None:
            self.fields["employer"].disabled = True
            self.fields["employer"].required = False
            self.fields["aldermen"].disabled = True
            self.fields["aldermen"].widget = forms.MultipleHiddenInput()
            self.fields["host"].queryset = visit.employer.contacts.all()
            local = timezone.localtime(visit.starts_at)
            self.initial.update(
                {
                    "employer": visit.employer_id,
                    "date": local.date(),
                    "time": local.time().replace(second=0, microsecond=0),
                    "duration_minutes": visit.duration_minutes,
                    "place": visit.place,
                    "purpose": visit.purpose,
                    "host": visit.host_id,
                    "capacity": visit.capacity,
                }
            )

    def clean(self):
        cleaned = super().clean()
        employer = self.visit.employer if self.visit else cleaned.get("employer")
        host = cleaned.get("host")
        if employer and host and host.employer_id != employer.pk:
            self.add_error("host", _("The host must be a contact of this employer."))
        if cleaned.get("date") and cleaned.get("time"):
            cleaned["starts_at"] = timezone.make_aware(
                datetime.datetime.combine(cleaned["date"], cleaned["time"])
            )
            if self.visit is None and cleaned["starts_at"] < timezone.now():
                self.add_error("date", _("Plan a visit in the future."))
        return cleaned


def jobseeker_label(jobseeker: JobSeeker) -> str:
    """A name that tells namesakes apart: birth year and postcode area (the four digits), never
    the BSN. For people the user may see by full name only."""
    area = (jobseeker.postcode or "")[:4]
    return _("%(name)s (born %(year)s, postcode %(area)s)") % {
        "name": jobseeker,
        "year": jobseeker.birth_date.year,
        "area": area,
    }


class SignUpForm(forms.Form):
    """Sign up a job seeker of the user's region who is looking for work and has a "join
    visits" consent valid today and on the day of the visit (JobSeeker.objects.consenting_to,
    the rule the sign-up service asks too): nobody is offered who would then be refused."""

    jobseeker = forms.ModelChoiceField(
        queryset=None,
        label=_("Job seeker"),
        widget=LongSelect,
        error_messages={
            "required": _("Choose a job seeker from the list."),
            "invalid_choice": _(
                "Choose someone from the list: only people of your region with a valid "
                "consent to join company visits until the day of the visit can come along."
            ),
        },
    )

    def __init__(self, *args, user: User, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        visit_day = timezone.localdate(visit.starts_at)
        self.fields["jobseeker"].queryset = (
            JobSeeker.objects.visible_to(user)
            .looking_for_work()
            .consenting_to(ConsentKind.JOIN_VISITS, until=visit_day)
            .exclude(visit_signups__visit=visit)
            .order_by("last_name", "first_name", "birth_date", "pk")
        )
        self.fields["jobseeker"].label_from_instance = jobseeker_label


class StaffAttendeeForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=None, label=_("Colleague or alderman"), widget=LongSelect
    )

    def __init__(self, *args, user: User, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = visit_staff_choices(
            user, roles=(Role.CASEWORKER, Role.COORDINATOR, Role.ALDERMAN), visit=visit
        ).exclude(visit_attendances__visit=visit)
        self.fields["user"].label_from_instance = lambda u: f"{u} ({u.get_role_display()})"


class ReportForm(forms.Form):
    """The report: what was learnt, the clicks (one checkbox and note per job seeker who came)."""

    learnt = forms.CharField(label=_("What we learnt"), widget=forms.Textarea(attrs={"rows": 5}))
    story_field = forms.ChoiceField(
        label=_("Add what we learnt to the company story"),
        choices=[("", _("No, leave the company story as it is")), *StoryField.choices],
        required=False,
    )
    new_openings = forms.CharField(
        label=_("New openings noted"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Enter them as openings on the employer's page too."),
    )

    def __init__(self, *args, jobseekers, in_region: set[int] | None = None, **kwargs):
        """``in_region``: the job seekers the user may see by full name (None: all); the others
        are labelled by first name and initial."""
        super().__init__(*args, **kwargs)
        self.jobseekers = list(jobseekers)
        for js in self.jobseekers:
            name = js if in_region is None or js.pk in in_region else js.initials_name
            self.fields[f"click_{js.pk}"] = forms.BooleanField(
                label=_("Click: %(name)s and the company are interested in each other")
                % {"name": name},
                required=False,
            )
            self.fields[f"note_{js.pk}"] = forms.CharField(
                label=_("Note on the click with %(name)s") % {"name": name},
                required=False,
                max_length=1000,
            )

    def click_rows(self):
        return [(self[f"click_{js.pk}"], self[f"note_{js.pk}"]) for js in self.jobseekers]

    def base_fields_bound(self):
        return [self["learnt"], self["story_field"], self["new_openings"]]

    def clicks(self) -> list[tuple]:
        return [
            (js, self.cleaned_data.get(f"note_{js.pk}", ""))
            for js in self.jobseekers
            if self.cleaned_data.get(f"click_{js.pk}")
        ]


class ActionForm(forms.Form):
    what = forms.CharField(label=_("Agreed action"), max_length=300, required=False)
    owner = forms.ModelChoiceField(
        queryset=None, label=_("Owner"), required=False, widget=LongSelect
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, user: User, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = visit_staff_choices(
            user, roles=(Role.CASEWORKER, Role.COORDINATOR, Role.ALDERMAN), visit=visit
        )

    def clean(self):
        cleaned = super().clean()
        filled = [cleaned.get(name) for name in ("what", "owner", "due_on")]
        if any(filled) and not all(filled):
            for name in ("what", "owner", "due_on"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Fill in what, who and when, or leave the row empty."))
        due = cleaned.get("due_on")
        if due and due < timezone.localdate():
            self.add_error("due_on", _("The due date cannot be in the past."))
        return cleaned

    @property
    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("what"))


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=10)


class AgendaFilterForm(forms.Form):
    """The agenda's filters. The choices are what the user's agenda holds (visits.access): a
    caseworker of Heusden is offered Heusden and its aldermen, not every one of the country."""

    view = forms.ChoiceField(
        label=_("View"),
        choices=[("week", _("Week")), ("month", _("Month"))],
        required=False,
        widget=LongSelect,
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DATE_WIDGET)
    # A coordinator's lists hold hundreds of options (baanbrekers.widgets: no template include
    # per option).
    municipality = LongModelChoiceField(
        queryset=Municipality.objects.none(), label=_("Municipality"), required=False
    )
    alderman = LongModelChoiceField(
        queryset=None,
        label=_("Alderman"),
        required=False,
        option_fields=("first_name", "last_name", "email"),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = agenda_municipalities(user)
        self.fields["alderman"].queryset = agenda_aldermen(user)
