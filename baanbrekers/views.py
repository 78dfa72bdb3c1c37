from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .access import get_visible_or_404
from .followups import followup_mark_done, followups_for_user
from .home import home_sections_for
from .listing import paginate
from .models import FollowUpStatus, Role

HOME_TEMPLATES = {
    Role.CASEWORKER: "home/caseworker.html",
    Role.COORDINATOR: "home/coordinator.html",
    Role.ALDERMAN: "home/alderman.html",
    Role.EMPLOYER_CONTACT: "home/employer_contact.html",
}

OPEN_STATUSES = [FollowUpStatus.PENDING, FollowUpStatus.SENT, FollowUpStatus.FAILED]


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
        context["due_followups"] = (
            followups_for_user(user)
            .filter(assignee=user, status__in=OPEN_STATUSES, due_on__lte=timezone.localdate())
            .order_by("due_on", "id")[:10]
        )
    return render(request, template, context)


@login_required
@require_GET
def followup_list(request):
    """The to-do list: my open follow-ups (coordinators may look at everyone's, and failures)."""
    if not (request.user.is_staff_role or request.user.is_superuser):
        raise PermissionDenied  # a back-office page: employer contacts have no follow-ups
    qs = followups_for_user(request.user)
    show = request.GET.get("show", "mine")
    if show == "failed" and request.user.is_coordinator:
        qs = qs.filter(status=FollowUpStatus.FAILED)
    elif show == "done":
        qs = qs.filter(assignee=request.user, status=FollowUpStatus.DONE).order_by("-done_at")
    else:
        show = "mine"
        qs = qs.filter(assignee=request.user, status__in=OPEN_STATUSES)
    page = paginate(request, qs)
    return render(
        request,
        "followups/list.html",
        {"page": page, "show": show, "today": timezone.localdate()},
    )


@login_required
@require_POST
def followup_done(request, pk):
    followup = get_visible_or_404(followups_for_user(request.user), pk)
    followup_mark_done(followup=followup, user=request.user)
    if request.htmx:
        return render(request, "followups/_row.html", {"followup": followup})
    messages.success(request, _("Marked as done."))
    # Back to the list the user came from, but never to another site (open redirect).
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("followups")
    return redirect(target)
