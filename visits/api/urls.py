from rest_framework.routers import SimpleRouter

from .views import VisitViewSet

router = SimpleRouter()
router.register("visits", VisitViewSet, basename="visit")

urlpatterns = router.urls
