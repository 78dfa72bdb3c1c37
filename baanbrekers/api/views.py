from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .serializers import CurrentUserSerializer


class CurrentUserView(APIView):
    """The logged-in user: role and municipalities, so a client knows what to offer."""

    @extend_schema(responses=CurrentUserSerializer)
    def get(self, request, *args, **kwargs):
        return Response(CurrentUserSerializer(request.user).data)
