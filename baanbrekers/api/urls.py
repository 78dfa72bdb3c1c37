"""The /api/v1/ entry point; each app adds its own resources here."""

from django.urls import include, path

from .views import CurrentUserView

urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="me"),
    path("", include("employers.api.urls")),
    path("", include("jobseekers.api.urls")),
    path("", include("visits.api.urls")),
    path("", include("placements.api.urls")),
    path("", include("stats.api.urls")),
    path("", include("portal.api.urls")),
]
