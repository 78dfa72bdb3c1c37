from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    BuddyPairingViewSet,
    JobOutcomeViewSet,
    JobSeekerMatchesView,
    OpeningMatchesView,
    PlacementViewSet,
    ProposalViewSet,
)

router = SimpleRouter()
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("placements", PlacementViewSet, basename="placement")
router.register("jobs", JobOutcomeViewSet, basename="job")
router.register("buddies", BuddyPairingViewSet, basename="buddy")

urlpatterns = [
    *router.urls,
    path("matches/openings/<int:pk>/", OpeningMatchesView.as_view(), name="opening-matches"),
    path("matches/jobseekers/<int:pk>/", JobSeekerMatchesView.as_view(), name="jobseeker-matches"),
]
