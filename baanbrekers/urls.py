"""The one place that knows every app's addresses (DESIGN.md section 7)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<int:pk>/done/", views.followup_done, name="followup-done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("employers/", include("employers.urls")),
    path("jobseekers/", include("jobseekers.urls")),
    path("visits/", include("visits.urls")),
    path("placements/", include("placements.urls")),
    path("dashboard/", include("stats.urls")),
    path("portal/", include("portal.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("baanbrekers.api.urls", "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
