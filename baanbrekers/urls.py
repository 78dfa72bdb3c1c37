"""The one place that knows every app's addresses (DESIGN.md section 7)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health, metrics, views
from .api import token_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # For orchestrators and Prometheus (also answered early by health.ProbeMiddleware).
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<int:pk>/done/", views.followup_done, name="followup-done"),
    path("followups/<int:pk>/retry/", views.followup_retry, name="followup-retry"),
    path("followups/<int:pk>/delivered/", views.followup_delivered, name="followup-delivered"),
    path("followups/assign/", views.followup_assign, name="followup-assign"),
    # Suggestions of the staff box (baanbrekers.widgets.StaffPicker), an htmx fragment.
    path("staff/choices/", views.staff_choices, name="staff-choices"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    # Personal API tokens: made after a fresh two-factor check, for oneself only.
    path("profile/api-tokens/", token_views.api_tokens, name="api_tokens"),
    path(
        "profile/api-tokens/<uuid:public_id>/revoke/",
        token_views.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("employers/", include("employers.urls")),
    path("jobseekers/", include("jobseekers.urls")),
    path("visits/", include("visits.urls")),
    path("placements/", include("placements.urls")),
    path("dashboard/", include("stats.urls")),
    path("portal/", include("portal.urls")),
    path("imports/", include("imports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("baanbrekers.api.urls", "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]

# Dutch error pages with the site's (or, under /portal/, the portal's) navigation and a way back.
handler403 = "baanbrekers.errors.permission_denied"
handler404 = "baanbrekers.errors.page_not_found"
handler500 = "baanbrekers.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
