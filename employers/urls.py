from django.urls import path

from . import views

app_name = "employers"

urlpatterns = [
    path("", views.employer_list_view, name="list"),
    path("new/", views.employer_create_view, name="create"),
    path("<int:pk>/", views.employer_detail_view, name="detail"),
    path("<int:pk>/edit/", views.employer_edit_view, name="edit"),
    path(
        "<int:pk>/contact-moments/",
        views.contact_moment_create_view,
        name="contact_moment_create",
    ),
    path("<int:pk>/contacts/new/", views.contact_create_view, name="contact_create"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/edit/",
        views.contact_edit_view,
        name="contact_edit",
    ),
    path("<int:pk>/openings/new/", views.opening_create_view, name="opening_create"),
    path(
        "<int:pk>/openings/<int:opening_pk>/edit/",
        views.opening_edit_view,
        name="opening_edit",
    ),
    path(
        "<int:pk>/openings/<int:opening_pk>/close/",
        views.opening_close_view,
        name="opening_close",
    ),
    path(
        "<int:pk>/openings/<int:opening_pk>/reopen/",
        views.opening_reopen_view,
        name="opening_reopen",
    ),
    path(
        "<int:pk>/openings/<int:opening_pk>/competences/",
        views.opening_competences_view,
        name="opening_competences",
    ),
    path("<int:pk>/referrals/new/", views.referral_create_view, name="referral_create"),
    path(
        "<int:pk>/referrals/<int:referral_pk>/edit/",
        views.referral_edit_view,
        name="referral_edit",
    ),
    path(
        "<int:pk>/referrals/<int:referral_pk>/convert/",
        views.referral_convert_view,
        name="referral_convert",
    ),
    path(
        "<int:pk>/referrals/<int:referral_pk>/decline/",
        views.referral_decline_view,
        name="referral_decline",
    ),
]
