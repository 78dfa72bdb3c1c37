from django.urls import path

from . import views, views_jobs

app_name = "placements"

urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("board/<int:pk>/<slug:action>/", views.board_action, name="board_action"),
    path("board/<int:pk>/<slug:action>/form/", views.board_action_form, name="board_action_form"),
    path("openings/<int:pk>/matches/", views.opening_matches, name="opening_matches"),
    path("openings/<int:pk>/propose/", views.opening_propose, name="opening_propose"),
    path("jobseekers/<int:pk>/matches/", views.jobseeker_matches, name="jobseeker_matches"),
    path("jobseekers/<int:pk>/propose/", views.jobseeker_propose, name="jobseeker_propose"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path(
        "proposals/<int:pk>/introduction/",
        views.proposal_introduction,
        name="proposal_introduction",
    ),
    path("proposals/<int:pk>/placement/", views.placement_create, name="placement_create"),
    path("development/<int:pk>/", views.placement_detail, name="placement_detail"),
    # Before the <slug:action> route, which would take "edit" for an action.
    path("development/<int:pk>/edit/", views.placement_edit, name="placement_edit"),
    path("development/<int:pk>/<slug:action>/", views.placement_action, name="placement_action"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views_jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/check/", views_jobs.job_check, name="job_check"),
    path("jobs/<int:pk>/end/", views_jobs.job_end, name="job_end"),
    path("jobseekers/<int:jobseeker_pk>/job/", views.job_create, name="job_create"),
    path("buddies/", views.buddy_list, name="buddy_list"),
    path("jobseekers/<int:jobseeker_pk>/buddy/", views.buddy_create, name="buddy_create"),
    path("buddies/<int:pk>/", views.buddy_detail, name="buddy_detail"),
]
