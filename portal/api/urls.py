from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("portal/companies", views.CompanyViewSet, basename="portal-company")
router.register("portal/proposals", views.ProposalViewSet, basename="portal-proposal")
router.register("portal/placements", views.PlacementViewSet, basename="portal-placement")
router.register("portal/openings", views.OpeningViewSet, basename="portal-opening")

urlpatterns = [
    path("portal/impact/", views.ImpactView.as_view(), name="portal-impact"),
    *router.urls,
]
