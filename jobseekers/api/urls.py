from rest_framework.routers import SimpleRouter

from .views import JobSeekerViewSet

router = SimpleRouter()
router.register("jobseekers", JobSeekerViewSet, basename="jobseeker")

urlpatterns = router.urls
