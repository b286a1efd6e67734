from rest_framework import serializers

from accounts.models import LANGUAGE_CODES, SELF_SERVICE_ROLE_CHOICES, User, validate_time_zone


class UserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "verified"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer[User]):
    # Whether the owner followed the confirmation link sent to `email`.
    email_verified = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "role",
            "verified",
            "birth_year",
            "email",
            "email_verified",
            "preferred_language",
            "time_zone",
        ]
        read_only_fields = fields

    def get_email_verified(self, user: User) -> bool:
        return bool(user.email) and user.email_verified_at is not None


class MeUpdateSerializer(serializers.Serializer[User]):
    """`PATCH /api/me/`: every field optional; an empty e-mail removes the address."""

    display_name = serializers.CharField(max_length=80, required=False)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False)
    time_zone = serializers.CharField(
        max_length=64, required=False, validators=[validate_time_zone]
    )


class PasswordChangeSerializer(serializers.Serializer[None]):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordResetRequestSerializer(serializers.Serializer[None]):
    email = serializers.EmailField(max_length=254)


class AcceptedSerializer(serializers.Serializer[None]):
    detail = serializers.CharField(read_only=True)


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
    preferred_language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False)
    # Optional here (older clients); the sign-up page asks professionals for it.
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class CredentialsSerializer(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[None]):
    token = serializers.CharField(read_only=True)
