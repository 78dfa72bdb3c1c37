"""The visits' part of the start page: the coming visits the user joins."""

from django.utils import timezone

from .access import visible_visits

HOME_LIMIT = 5


def coming_visits_section(request) -> dict:
    user = request.user
    visits = (
        visible_visits(user)
        .filter(staff__user=user)
        .upcoming(timezone.now())
        .select_related("employer")
        .order_by("starts_at")[:HOME_LIMIT]
    )
    return {"visits": list(visits), "show_briefing": True}
