from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report_print, name="report"),
    path("export.<str:fmt>", views.export, name="export"),
]
