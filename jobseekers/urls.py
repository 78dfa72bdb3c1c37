from django.urls import path

from . import views

app_name = "jobseekers"

urlpatterns = [
    path("", views.jobseeker_list_view, name="list"),
    path("bsn-search/", views.bsn_search, name="bsn_search"),
    path("new/", views.jobseeker_create, name="create"),
    path("<int:pk>/", views.jobseeker_detail, name="detail"),
    path("<int:pk>/edit/", views.jobseeker_update, name="update"),
    path("<int:pk>/export/", views.jobseeker_data_export, name="data_export"),
    path("<int:pk>/reveal-bsn/", views.jobseeker_reveal_bsn, name="reveal_bsn"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/status/", views.jobseeker_status_change, name="status_change"),
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
