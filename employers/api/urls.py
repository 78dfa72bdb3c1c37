from rest_framework.routers import SimpleRouter

from .views import ContactMomentViewSet, EmployerContactViewSet, EmployerViewSet, OpeningViewSet

router = SimpleRouter()
router.register("employers", EmployerViewSet, basename="employer")
router.register(
    r"employers/(?P<employer_pk>\d+)/contacts", EmployerContactViewSet, basename="employer-contact"
)
router.register(
    r"employers/(?P<employer_pk>\d+)/notes", ContactMomentViewSet, basename="employer-note"
)
router.register(
    r"employers/(?P<employer_pk>\d+)/openings", OpeningViewSet, basename="employer-opening"
)

urlpatterns = router.urls
