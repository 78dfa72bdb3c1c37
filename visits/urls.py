from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("plan/", views.visit_plan, name="plan"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/edit/", views.visit_edit, name="edit"),
    path("<int:pk>/cancel/", views.visit_cancel, name="cancel"),
    path("<int:pk>/signups/", views.visit_signups, name="signups"),
    path("<int:pk>/signups/add/", views.visit_signup_add, name="signup_add"),
    path(
        "<int:pk>/signups/<int:jobseeker_pk>/remove/",
        views.visit_signup_remove,
        name="signup_remove",
    ),
    path("<int:pk>/staff/add/", views.visit_staff_add, name="staff_add"),
    path("<int:pk>/staff/<int:user_pk>/remove/", views.visit_staff_remove, name="staff_remove"),
    path("<int:pk>/report/", views.visit_report, name="report"),
    path("<int:pk>/actions/<int:action_pk>/done/", views.visit_action_done, name="action_done"),
    path("<int:pk>/briefing/", views.visit_briefing, name="briefing"),
    path("<int:pk>/visit.ics", views.visit_ics, name="ics"),
]
