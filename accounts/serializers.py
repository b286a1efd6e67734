from django.conf import settings
from rest_framework import serializers

from accounts.models import SELF_SERVICE_ROLE_CHOICES, User


class UserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "verified"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "role",
            "verified",
            "birth_year",
            "preferred_language",
            "time_zone",
        ]
        read_only_fields = ["id", "username", "display_name", "role", "verified", "birth_year"]


class RegisterSerializer(serializers.Serializer[User]):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        min_length=3,
        error_messages={"invalid": "Use letters, digits and @ . + - _ only."},
    )
    password = serializers.CharField(
        max_length=128, write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    role = serializers.ChoiceField(choices=SELF_SERVICE_ROLE_CHOICES)
    display_name = serializers.CharField(max_length=80, min_length=1)
    birth_year = serializers.IntegerField(required=False, allow_null=True)
    preferred_language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES], required=False
    )


class CredentialsSerializer(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[None]):
    token = serializers.CharField(read_only=True)
