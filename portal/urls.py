from django.urls import path

from . import views, views_jobs

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("switch/", views.switch, name="switch"),
    path("join/", views.claim, name="claim"),
    path("join/register/", views.register_company, name="register_company"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("company/", views.company, name="company"),
    path("company/contacts/new/", views.contact_edit, name="contact_create"),
    path("company/contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("offers/", views.openings, name="openings"),
    path("offers/new/", views.opening_create, name="opening_create"),
    path("offers/<int:pk>/", views.opening_edit, name="opening_edit"),
    path("offers/<int:pk>/close/", views.opening_close, name="opening_close"),
    path("offers/<int:pk>/reopen/", views.opening_reopen, name="opening_reopen"),
    path("candidates/", views.candidates, name="candidates"),
    path("candidates/<int:pk>/", views.candidate, name="candidate"),
    path("placements/", views.placements, name="placements"),
    path("placements/<int:pk>/", views.placement, name="placement"),
    path(
        "placements/<int:pk>/evaluations/<int:evaluation_pk>/",
        views.evaluation_correct,
        name="evaluation_correct",
    ),
    path("jobs/", views_jobs.job_checks, name="job_checks"),
    path("jobs/<int:pk>/check/", views_jobs.job_check_answer, name="job_check_answer"),
    path("tip/", views.referral, name="referral"),
    path("impact/", views.impact, name="impact"),
    path("impact/statement.pdf", views.impact_pdf, name="impact_pdf"),
    path("visits/", views.visits, name="visits"),
    path("visits/calendar.ics", views.visits_ics, name="visits_ics"),
    # Back office: linking people to companies.
    path("requests/", views.staff_requests, name="staff_requests"),
    path("requests/claims/<int:pk>/", views.staff_claim_decide, name="staff_claim_decide"),
    path("requests/invite/", views.staff_invite_find, name="staff_invite_find"),
    path("requests/invite/<int:employer_pk>/", views.staff_invite, name="staff_invite"),
]
