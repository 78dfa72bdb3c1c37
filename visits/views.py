"""Pages of visits: agenda, detail, plan/edit, sign-ups (htmx), report, briefing, calendars.

Views stay thin: access through visits.access, changes through visits.services.
"""

from __future__ import annotations

import datetime
from html import escape

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from baanbrekers.access import has_staff_role
from baanbrekers.forms import ConfirmForm
from baanbrekers.viewtools import back_office_required, user_passes
from jobseekers.models import JobSeeker

from . import ical, services
from .access import (
    can_manage_visits,
    sees_jobseeker_names,
    visible_visits,
    visit_for_user,
    visit_to_manage_for_user,
)
from .forms import (
    ActionFormSet,
    AgendaFilterForm,
    ReportForm,
    SignUpForm,
    StaffAttendeeForm,
    VisitForm,
    jobseeker_label,
)
from .models import CalendarFeedToken, VisitAction, VisitSignUp, VisitStaff, VisitStatus
from .selectors import agenda_month_cells, agenda_range, agenda_visits, visit_suggestions
from .selectors import visit_briefing as briefing_for
from .services import report_possible

# The role gates (baanbrekers.viewtools): a role that may not use a page gets 403; which visit
# a user may open is decided afterwards by visits.access (a miss is a 404).
staff_required = user_passes(has_staff_role)

# The days the agenda can show (issue 13: a date outside answered 500).
AGENDA_FIRST_DAY = datetime.date(1900, 1, 1)
AGENDA_LAST_DAY = datetime.date(2999, 12, 31)


# One agenda item (the markup of visits/_agenda_item.html, which documents it). Built in Python:
# a month of a large municipality holds some 550 visits, and rendering the include for each took
# most of the page's time (0.6 s of CPU at national scale).
_AGENDA_ITEM = (
    '<div class="bb-agenda-item bb-agenda-item--{status}">\n'
    "  <strong>{time}</strong>\n"
    "  {name}\n"
    '  <span class="bb-muted">{municipality}{state}</span>\n'
    "  {aldermen}\n"
    '  <span class="bb-muted">· {count}</span>\n'
    "</div>\n"
)
_PK_PLACEHOLDER = 987654321


def _agenda_items(visits) -> None:
    """Sets ``visit.item_html`` on each visit of the agenda: the item as the template shows it.

    Every value is escaped with ``html.escape``, which is what Django's ``escape`` does."""
    url = reverse("visits:detail", args=[_PK_PLACEHOLDER])
    placeholder = str(_PK_PLACEHOLDER)
    statuses = {value: str(label) for value, label in VisitStatus.choices}
    for visit in visits:
        employer = visit.employer
        name = escape(employer.trade_name)
        if visit.can_open:
            name = f'<a class="utrecht-link" href="{url.replace(placeholder, str(visit.pk))}">{name}</a>'
        state = (
            f" · {escape(statuses[visit.status])}" if visit.status != VisitStatus.PLANNED else ""
        )
        aldermen = ""
        if visit.aldermen:
            names = ", ".join(escape(str(a.user)) for a in visit.aldermen)
            aldermen = f'<span class="bb-muted">· {names}</span>'
        count = ngettext(
            "%(counter)s job seeker", "%(counter)s job seekers", visit.jobseeker_count
        ) % {"counter": visit.jobseeker_count}
        visit.item_html = mark_safe(  # noqa: S308 - every value above is escaped
            _AGENDA_ITEM.format(
                status=escape(visit.status),
                time=timezone.localtime(visit.starts_at).strftime("%H:%M"),
                name=name,
                municipality=escape(employer.municipality.name),
                state=state,
                aldermen=aldermen,
                count=count,
            )
        )


# The month view's cell shows this many visits at most; a fuller day shows one less and a link
# to its week ("+12 more"): a month of a large municipality holds twenty visits a day and more.
MONTH_CELL_VISITS = 4
_DAY_PLACEHOLDER = "__day__"


@staff_required
@require_GET
def visit_list(request):
    """The agenda: a week or a month, filtered by municipality and alderman."""
    form = AgendaFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    view = data.get("view") or "week"
    # A crafted far date would step past date.min/date.max when the weeks around it are drawn:
    # it shows the nearest day the agenda covers.
    day = min(max(data.get("date") or timezone.localdate(), AGENDA_FIRST_DAY), AGENDA_LAST_DAY)
    span = agenda_range(view, day)
    municipality = data.get("municipality")
    alderman = data.get("alderman")
    filters = {
        "municipality_id": municipality.pk if municipality else None,
        "alderman_id": alderman.pk if alderman else None,
    }
    if view == "month":
        cells, visit_count = agenda_month_cells(
            request.user, span, shown=MONTH_CELL_VISITS, **filters
        )
        _agenda_items([visit for cell in cells for visit in cell.visits])
        # "+N more" opens the day in the week view, with the filters kept: the query string
        # once, each day's date put in (a query_replace per cell copied the request's GET).
        week_query = request.GET.copy()
        week_query["view"] = "week"
        week_query["date"] = _DAY_PLACEHOLDER
        week_url = "?" + week_query.urlencode()
        days = [
            {
                "date": cell.date,
                "visits": cell.visits,
                "more": cell.more,
                "more_url": week_url.replace(_DAY_PLACEHOLDER, cell.date.isoformat())
                + f"#day-{cell.date.isoformat()}"
                if cell.more
                else "",
                "in_month": cell.date.month == day.month,
            }
            for cell in cells
        ]
    else:
        visits = list(agenda_visits(request.user, start=span.start, end=span.end, **filters))
        _agenda_items(visits)
        by_day: dict[datetime.date, list] = {d: [] for d in span.days}
        for visit in visits:
            by_day.setdefault(timezone.localdate(visit.starts_at), []).append(visit)
        days = [{"date": d, "visits": by_day[d], "more": 0, "in_month": True} for d in span.days]
        visit_count = len(visits)
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return render(
        request,
        "visits/agenda.html",
        {
            "form": form,
            "view": view,
            "day": day,
            "span": span,
            "days": days,
            "weeks": weeks,
            "visit_count": visit_count,
            "today": timezone.localdate(),
            "can_manage": can_manage_visits(request.user),
        },
    )


def _in_region(user, jobseeker_ids) -> set[int]:
    """Which of these job seekers the user may see by full name."""
    return set(
        JobSeeker.objects.visible_to(user).filter(pk__in=jobseeker_ids).values_list("pk", flat=True)
    )


def _detail_context(request, visit) -> dict:
    user = request.user
    staff = list(visit.staff.select_related("user").order_by("user__role", "user__first_name"))
    context = {
        "visit": visit,
        "staff": staff,
        "can_manage": can_manage_visits(user),
        "sees_names": sees_jobseeker_names(user),
        "jobseeker_count": visit.signups.count(),
        "joins": any(a.user_id == user.pk for a in staff),
        "report_possible": report_possible(visit),
    }
    if hasattr(visit, "report"):
        context["report"] = visit.report
    if context["sees_names"]:
        # Full names of the user's own region only; others by first name and initial (a
        # caseworker may join a visit in another municipality).
        clicks = list(visit.clicks.select_related("jobseeker"))
        in_region = _in_region(user, [c.jobseeker_id for c in clicks])
        context["clicks"] = [(c, c.jobseeker_id in in_region) for c in clicks]
    context["actions"] = list(visit.actions.select_related("owner"))
    return context


@staff_required
@require_GET
def visit_detail(request, pk):
    visit = visit_for_user(request.user, pk)
    context = _detail_context(request, visit)
    if context["can_manage"]:
        context.update(_signups_context(request, visit))
        context["staff_form"] = StaffAttendeeForm(user=request.user, visit=visit)
    return render(request, "visits/detail.html", context)


@back_office_required
@require_http_methods(["GET", "POST"])
def visit_plan(request):
    initial = {}
    if "employer" in request.GET:
        initial["employer"] = request.GET["employer"]
    form = VisitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_plan(
                employer=data["employer"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                purpose=data["purpose"],
                host=data["host"],
                capacity=data["capacity"],
                planned_by=request.user,
                staff=data["aldermen"],
            )
        except services.VisitError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The visit is planned."))
            return redirect("visits:detail", pk=visit.pk)
    return render(request, "visits/form.html", {"form": form, "visit": None})


@back_office_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    visit = visit_to_manage_for_user(request.user, pk)
    form = VisitForm(request.POST or None, user=request.user, visit=visit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_update(
                visit=visit,
                changed_by=request.user,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                purpose=data["purpose"],
                host=data["host"],
                capacity=data["capacity"],
            )
        except services.VisitError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The visit is changed."))
            return redirect("visits:detail", pk=visit.pk)
    return render(request, "visits/form.html", {"form": form, "visit": visit})


@back_office_required
@require_http_methods(["GET", "POST"])
def visit_cancel(request, pk):
    """A confirmation page first (works without JavaScript); cancelling tells the caseworkers
    of the people who signed up (visits.services.visit_cancel)."""
    visit = visit_to_manage_for_user(request.user, pk)
    if visit.status != VisitStatus.PLANNED:
        messages.error(request, _("Only a planned visit can be cancelled."))
        return redirect("visits:detail", pk=visit.pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Yes, cancel this visit"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_cancel(visit=visit, cancelled_by=request.user)
        except services.VisitError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The visit is cancelled."))
        return redirect("visits:detail", pk=visit.pk)
    taken = visit.signups.count()
    consequences = [
        _("The visit to %(employer)s on %(date)s will not take place.")
        % {
            "employer": visit.employer,
            "date": formats.date_format(timezone.localtime(visit.starts_at), "DATETIME_FORMAT"),
        },
        ngettext(
            "%(count)d job seeker signed up: their caseworker gets a follow-up to tell them.",
            "%(count)d job seekers signed up: their caseworkers get a follow-up to tell them.",
            taken,
        )
        % {"count": taken}
        if taken
        else _("Nobody has signed up yet."),
        _("This cannot be undone: plan a new visit if it is to take place after all."),
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": _("Cancel the visit to %(employer)s?") % {"employer": visit.employer},
            "consequences": consequences,
            "form": form,
            "submit_label": _("Cancel the visit"),
            "back_url": reverse("visits:detail", args=[visit.pk]),
        },
    )


# --- Who comes ---------------------------------------------------------------------------------


def _signups_context(request, visit, *, error: str = "", success: str = "", form=None) -> dict:
    signups = list(
        VisitSignUp.objects.filter(visit=visit).select_related("jobseeker", "signed_up_by")
    )
    in_region = _in_region(request.user, [s.jobseeker_id for s in signups])
    planned = visit.status == VisitStatus.PLANNED
    # Counted now, from the rows just read: the sign-up section and the "places taken" of the
    # plan (sent along out of band after an htmx change) always agree with the database.
    taken = len(signups)
    is_full = taken >= visit.capacity
    open_for_signups = planned and not is_full
    return {
        "visit": visit,
        "signups": [
            (s, jobseeker_label(s.jobseeker) if s.jobseeker_id in in_region else None)
            for s in signups
        ],
        "jobseeker_count": taken,
        "places_left": max(visit.capacity - taken, 0),
        "is_full": planned and is_full,
        "signup_form": (form or SignUpForm(user=request.user, visit=visit))
        if open_for_signups
        else None,
        "suggestions": [
            (suggestion, jobseeker_label(suggestion.jobseeker))
            for suggestion in visit_suggestions(visit=visit, user=request.user)
        ]
        if open_for_signups
        else [],
        "signup_error": error,
        "signup_success": success,
    }


def _signups_response(request, visit, **kwargs):
    """htmx swaps the sign-up section in place; without htmx the page reloads with a message."""
    if request.htmx:
        return render(request, "visits/_signups.html", _signups_context(request, visit, **kwargs))
    if kwargs.get("error"):
        messages.error(request, kwargs["error"])
    elif kwargs.get("success"):
        messages.success(request, kwargs["success"])
    return redirect(reverse("visits:detail", args=[visit.pk]) + "#signups")


@back_office_required
@require_GET
def visit_signups(request, pk):
    visit = visit_to_manage_for_user(request.user, pk)
    return render(request, "visits/_signups.html", _signups_context(request, visit))


@back_office_required
@require_POST
def visit_signup_add(request, pk):
    visit = visit_to_manage_for_user(request.user, pk)
    form = SignUpForm(request.POST, user=request.user, visit=visit)
    if not form.is_valid():
        return _signups_response(
            request, visit, error=" ".join(form.errors.get("jobseeker", [])), form=form
        )
    jobseeker = form.cleaned_data["jobseeker"]
    try:
        services.visit_jobseeker_sign_up(
            visit=visit, jobseeker=jobseeker, signed_up_by=request.user
        )
    except services.VisitError as exc:
        return _signups_response(request, visit, error=exc.message)
    return _signups_response(
        request, visit, success=_("%(name)s is signed up.") % {"name": jobseeker_label(jobseeker)}
    )


@back_office_required
@require_POST
def visit_signup_remove(request, pk, jobseeker_pk):
    visit = visit_to_manage_for_user(request.user, pk)
    signup = get_object_or_404(
        VisitSignUp.objects.select_related("jobseeker"), visit=visit, jobseeker_id=jobseeker_pk
    )
    try:
        services.visit_jobseeker_remove(
            visit=visit, jobseeker=signup.jobseeker, removed_by=request.user
        )
    except services.VisitError as exc:
        return _signups_response(request, visit, error=exc.message)
    person = signup.jobseeker
    in_region = person.pk in _in_region(request.user, [person.pk])
    name = jobseeker_label(person) if in_region else person.initials_name
    return _signups_response(
        request, visit, success=_("%(name)s no longer comes along.") % {"name": name}
    )


@back_office_required
@require_POST
def visit_staff_add(request, pk):
    visit = visit_to_manage_for_user(request.user, pk)
    form = StaffAttendeeForm(request.POST, user=request.user, visit=visit)
    if form.is_valid():
        try:
            services.visit_staff_add(
                visit=visit, user=form.cleaned_data["user"], added_by=request.user
            )
        except services.VisitError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(name)s joins the visit.") % {"name": form.cleaned_data["user"]}
            )
    else:
        messages.error(request, _("Choose a colleague or alderman from the list."))
    return redirect("visits:detail", pk=visit.pk)


@back_office_required
@require_POST
def visit_staff_remove(request, pk, user_pk):
    visit = visit_to_manage_for_user(request.user, pk)
    attendee = get_object_or_404(
        VisitStaff.objects.select_related("user"), visit=visit, user_id=user_pk
    )
    services.visit_staff_remove(visit=visit, user=attendee.user, removed_by=request.user)
    messages.success(request, _("%(name)s no longer joins.") % {"name": attendee.user})
    return redirect("visits:detail", pk=visit.pk)


# --- Report, briefing --------------------------------------------------------------------------


@back_office_required
@require_http_methods(["GET", "POST"])
def visit_report(request, pk):
    visit = visit_to_manage_for_user(request.user, pk)
    if hasattr(visit, "report"):
        messages.info(request, _("This visit already has a report."))
        return redirect("visits:detail", pk=visit.pk)
    # The form is offered only when it can be saved (the service asks the same question).
    if visit.status == VisitStatus.CANCELLED:
        messages.info(request, _("A cancelled visit has no report."))
        return redirect("visits:detail", pk=visit.pk)
    if not report_possible(visit):
        messages.info(request, _("You write the report once the visit has started."))
        return redirect("visits:detail", pk=visit.pk)
    jobseekers = [
        s.jobseeker for s in VisitSignUp.objects.filter(visit=visit).select_related("jobseeker")
    ]
    form = ReportForm(
        request.POST or None,
        jobseekers=jobseekers,
        in_region=_in_region(request.user, [js.pk for js in jobseekers]),
    )
    actions = ActionFormSet(
        request.POST or None,
        prefix="actions",
        form_kwargs={"user": request.user, "visit": visit},
    )
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        try:
            services.visit_report_save(
                visit=visit,
                written_by=request.user,
                learnt=form.cleaned_data["learnt"],
                new_openings=form.cleaned_data["new_openings"],
                story_field=form.cleaned_data["story_field"],
                clicks=[services.ClickInput(js, note) for js, note in form.clicks()],
                actions=[
                    services.ActionInput(a["what"], a["owner"], a["due_on"])
                    for a in (f.cleaned_data for f in actions.forms if f.is_filled)
                ],
            )
        except services.VisitError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The report is saved and the follow-ups are scheduled."))
            return redirect("visits:detail", pk=visit.pk)
    return render(request, "visits/report.html", {"visit": visit, "form": form, "actions": actions})


@back_office_required
@require_POST
def visit_action_done(request, pk, action_pk):
    visit = visit_to_manage_for_user(request.user, pk)
    action = get_object_or_404(VisitAction, visit=visit, pk=action_pk)
    services.visit_action_mark_done(action=action, done_by=request.user)
    messages.success(request, _("Action marked as done."))
    return redirect("visits:detail", pk=visit.pk)


@staff_required
@require_GET
def visit_briefing(request, pk):
    """One printable page for the alderman: the company, its story, contacts, openings, history."""
    visit = visit_for_user(request.user, pk)
    context = {"visit": visit, **briefing_for(visit)}
    return render(request, "visits/briefing.html", context)


# --- Calendars ---------------------------------------------------------------------------------


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _for_calendar(qs):
    return (
        qs.select_related("employer", "host")
        .annotate(jobseeker_count=Count("signups", distinct=True))
        .prefetch_related(
            Prefetch("staff", queryset=VisitStaff.objects.select_related("user").order_by("pk"))
        )
        .order_by("starts_at")
    )


@staff_required
# HEAD too: calendar apps and proxies check a feed before fetching it.
@require_safe
def visit_ics(request, pk):
    visit_for_user(request.user, pk)
    visit = _for_calendar(visible_visits(request.user).filter(pk=pk)).get()
    return _ics_response(
        ical.visits_calendar([visit], name=str(visit.employer)), f"bezoek-{visit.pk}.ics"
    )


@require_safe
def calendar_feed(request, token):
    """The visits a user joins, for their calendar app; the secret in the URL is the login.

    Only visits from a year back onwards, still within the user's access rules."""
    feed = CalendarFeedToken.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active or not feed.user.is_staff_role:
        raise Http404
    since = timezone.now() - datetime.timedelta(days=365)
    visits = _for_calendar(
        visible_visits(feed.user).filter(staff__user=feed.user, starts_at__gte=since)
    )
    return _ics_response(
        ical.visits_calendar(visits, name=_("Baanbrekers company visits")), "bezoeken.ics"
    )


@staff_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """Shows the user's feed address; renewing it makes the old address stop working."""
    # Renewing breaks every calendar subscribed to the old address: a box to tick first.
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Yes, renew: my calendar apps need the new address"),
    )
    if request.method == "POST" and form.is_valid():
        services.calendar_token_renew(user=request.user)
        messages.success(
            request, _("Your calendar address is renewed. The old address no longer works.")
        )
        return redirect("visits:calendar")
    token = services.calendar_token_get(user=request.user)
    feed_url = request.build_absolute_uri(reverse("visits:feed", args=[token.token]))
    return render(
        request, "visits/calendar.html", {"feed_url": feed_url, "token": token, "form": form}
    )
