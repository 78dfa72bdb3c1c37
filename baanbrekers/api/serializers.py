from rest_framework import serializers

from baanbrekers.models import Municipality, User


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "name", "cbs_code"]


class CurrentUserSerializer(serializers.ModelSerializer):
    municipalities = MunicipalitySerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "role", "municipalities"]
        read_only_fields = fields
