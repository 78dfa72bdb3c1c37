import datetime
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .access import (
    back_office_staff,
    get_visible_or_404,
    has_staff_role,
    sees_all_municipalities,
    works_in_back_office,
)
from .followup_forms import FollowUpAssignForm, FollowUpFilterForm
from .followups import (
    FOLLOWUP_SORTS,
    SubjectLink,
    followup_action,
    followup_mark_delivered,
    followup_mark_done,
    followup_resend,
    followups_assign,
    followups_for_user,
    followups_listed,
    followups_subject_links,
)
from .followups import OPEN_STATUSES as FOLLOWUP_OPEN_STATUSES
from .home import home_sections_for
from .listing import Sorting, paginate
from .models import FollowUp, Role
from .viewtools import apply_service_errors, staff_ids_redirect, user_passes
from .widgets import staff_options_html

HOME_TEMPLATES = {
    Role.CASEWORKER: "home/caseworker.html",
    Role.COORDINATOR: "home/coordinator.html",
    Role.ALDERMAN: "home/alderman.html",
    Role.EMPLOYER_CONTACT: "home/employer_contact.html",
}

# Still to act on: the engine's list (a mail on its way or in doubt is still a to-do).
OPEN_STATUSES = list(FOLLOWUP_OPEN_STATUSES)


@require_GET
def home(request):
    """The start page: what this user's role works on first."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/anonymous.html")
    role = Role.COORDINATOR if user.is_superuser else user.role
    if role == Role.EMPLOYER_CONTACT:
        # Employers work in their portal; its start page is theirs.
        try:
            return redirect("portal:home")
        except NoReverseMatch:
            pass
    template = HOME_TEMPLATES.get(role, "home/no_role.html")
    context = {
        "municipalities": user.municipalities.all(),
        "home_sections": home_sections_for(request, role),
    }
    if role in (Role.CASEWORKER, Role.COORDINATOR):
        context["due_followups"] = followup_rows(
            followups_for_user(user)
            .filter(assignee=user, status__in=OPEN_STATUSES, due_on__lte=timezone.localdate())
            .order_by("due_on", "id")[:10]
        )
    return render(request, template, context)


@dataclass(frozen=True)
class FollowUpRow:
    """One line of the to-do list: the follow-up, what it is about, its answer button and how
    late it is (days; 0 due today, negative not yet due, None when no longer open)."""

    followup: FollowUp
    links: list[SubjectLink]
    action: tuple[str, str] | None
    days_late: int | None

    @property
    def overdue(self) -> bool:
        return self.days_late is not None and self.days_late > 0


def followup_rows(followups, today: datetime.date | None = None) -> list[FollowUpRow]:
    today = today or timezone.localdate()
    followups = list(followups)
    links = followups_subject_links(followups)
    return [
        FollowUpRow(
            followup=f,
            links=links.get(f.pk, []),
            action=followup_action(f),
            days_late=(today - f.due_on).days if f.status in OPEN_STATUSES else None,
        )
        for f in followups
    ]


FILTER_FIELDS = ("show", "kind", "person", "owner", "overdue", "sort")
SORTING = Sorting(options=FOLLOWUP_SORTS, default="due")


def _followup_list_page(request, data, assign_form=None, status=200):
    """The to-do list under the filter in ``data`` (GET, or the bulk form's POST)."""
    user = request.user
    form = FollowUpFilterForm(data, user=user)
    spec, sort = form.spec()
    if request.method == "GET" and (canonical := staff_ids_redirect(request, form)):
        return canonical  # the owner by id, not by the name and address typed
    tabs = ["mine", "done"] + (["all", "failed"] if user.is_coordinator else [])
    if spec.show not in tabs:
        spec = replace(spec, show="mine")
    qs = followups_listed(user=user, spec=spec)
    if spec.show == "done" and not data.get("sort"):
        qs = qs.order_by("-done_at", "-pk")
    else:
        qs, sort = SORTING.apply(qs, sort)
    page = paginate(request, qs)
    query = {k: data.get(k) for k in FILTER_FIELDS if data.get(k)}
    selected = set(data.getlist("followups")) if hasattr(data, "getlist") else set()
    can_assign = user.is_coordinator and spec.show != "done"
    return render(
        request,
        "followups/list.html",
        {
            "page": page,
            "rows": followup_rows(page.object_list),
            "show": spec.show,
            "tabs": tabs,
            "filter_form": form,
            "filtered": any(data.get(k) for k in ("kind", "person", "owner", "overdue")),
            "query": urlencode(query),
            "query_items": sorted(query.items()),
            "can_assign": can_assign,
            "assign_form": (assign_form or FollowUpAssignForm()) if can_assign else None,
            "selected": selected,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def followup_list(request):
    """The to-do list: my open follow-ups; coordinators also everyone's and the failed sends.
    Filter and sort with GET parameters (a plain form: it works without JavaScript)."""
    if not (request.user.is_staff_role or request.user.is_superuser):
        raise PermissionDenied  # a back-office page: employer contacts have no follow-ups
    return _followup_list_page(request, request.GET)


@login_required
@require_POST
def followup_assign(request):
    """Coordinators: give the ticked follow-ups to one colleague (one POST, one service call).
    Bad input shows the list again with the message next to the field and the ticks kept."""
    if not request.user.is_coordinator:
        raise PermissionDenied
    posted = [int(v) for v in request.POST.getlist("followups") if v.isdigit()]
    ids = list(
        followups_for_user(request.user)
        .filter(pk__in=posted, status__in=OPEN_STATUSES)
        .values_list("pk", flat=True)
    )
    form = FollowUpAssignForm(request.POST, ids=ids)
    if not form.is_valid():
        return _followup_list_page(request, request.POST, assign_form=form, status=400)
    try:
        moved = followups_assign(
            followup_ids=form.cleaned_data["followups"],
            assignee=form.cleaned_data["assignee"],
            assigned_by=request.user,
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return _followup_list_page(request, request.POST, assign_form=form, status=400)
    messages.success(
        request,
        ngettext(
            "%(count)s follow-up now belongs to %(name)s.",
            "%(count)s follow-ups now belong to %(name)s.",
            moved,
        )
        % {"count": moved, "name": form.cleaned_data["assignee"]},
    )
    query = urlencode({k: request.POST[k] for k in FILTER_FIELDS if request.POST.get(k)})
    return redirect(reverse("followups") + (f"?{query}" if query else ""))


# Follow-ups are staff work: an employer contact is refused (403), not sent looking (404).
@user_passes(has_staff_role)
@require_POST
def followup_done(request, pk):
    followup = get_visible_or_404(followups_for_user(request.user), pk)
    followup_mark_done(followup=followup, user=request.user)
    if request.htmx:
        return render(request, "followups/_row.html", {"row": followup_rows([followup])[0]})
    messages.success(request, _("Marked as done."))
    # Back to the list the user came from, but never to another site (open redirect).
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("followups")
    return redirect(target)


# --- Mail that did not (certainly) go out: the coordinator's "Failed to send" tab ------------
# Coordinators see every follow-up (followups_for_user), so sees_all_municipalities is their
# role predicate here.
coordinator_required = user_passes(sees_all_municipalities)


def _after_send_decision(request):
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("followups") + "?show=failed"
    return redirect(target)


@coordinator_required
@require_POST
def followup_retry(request, pk):
    """Send a failed or uncertain follow-up again (same Message-ID, fresh attempts)."""
    followup = get_visible_or_404(followups_for_user(request.user), pk)
    try:
        followup_resend(followup=followup, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The follow-up will be sent again within a few minutes."))
    return _after_send_decision(request)


@coordinator_required
@require_POST
def followup_delivered(request, pk):
    """The recipient has the mail after all: an uncertain follow-up becomes "sent"."""
    followup = get_visible_or_404(followups_for_user(request.user), pk)
    try:
        followup_mark_delivered(followup=followup, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked as delivered; it will not be sent again."))
    return _after_send_decision(request)


@user_passes(works_in_back_office)
@require_GET
def staff_choices(request):
    """The suggestions of a staff box (``widgets.StaffPicker``, htmx): the datalist's options for
    what was typed, among the staff this user may choose (``back_office_staff``). The box sends
    its own value under its field name (``field``) and its fixed words (``also``, one a line)."""
    text = request.GET.get(request.GET.get("field") or "q", "")[:100]
    also = request.GET.get("also", "").splitlines()[:5]
    return HttpResponse(staff_options_html(back_office_staff(request.user), text, also=also))
