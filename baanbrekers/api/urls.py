"""The /api/v1/ entry point; each app adds its own resources here."""

from django.urls import path

from .views import CurrentUserView

urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="me"),
]
