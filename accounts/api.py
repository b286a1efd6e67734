"""Account endpoints: register, token, session login/logout, the caller."""

from typing import Any

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.http import content_disposition_header
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from accounts import login_protection, services
from accounts.access import request_user
from accounts.models import User
from accounts.privacy import account_export
from accounts.serializers import (
    AcceptedSerializer,
    CredentialsSerializer,
    MeSerializer,
    MeUpdateSerializer,
    PasswordChangeSerializer,
    PasswordResetRequestSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserSerializer,
)
from accounts.services.deletion import account_delete
from accounts.services.links import site_base
from accounts.services.password_reset import password_reset_request, password_reset_sent_message
from core.client_ip import ClientAddressScopedRateThrottle
from core.schema import BackstageAutoSchema


def _as_api_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def _authenticate(request: Request) -> User:
    credentials = CredentialsSerializer(data=request.data)
    credentials.is_valid(raise_exception=True)
    # With the request, so that the login protection counts this attempt with the form's.
    user = authenticate(request._request, **credentials.validated_data)
    if login_protection.login_locked_out(request._request):
        locked = exceptions.Throttled(detail=login_protection.lockout_message())
        # Retry-After, without the sentence DRF adds when given `wait`.
        locked.wait = login_protection.lockout_seconds()  # type: ignore[attr-defined]
        raise locked
    if not isinstance(user, User):
        # One message for both cases, so the endpoint does not reveal which usernames exist.
        raise exceptions.AuthenticationFailed("Wrong username or password.")
    return user


class AnonymousView(APIView):
    """An endpoint for callers who have no credentials yet."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    def get_authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to wrong credentials.
        return "Token"


class RegisterView(AnonymousView):
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: UserSerializer})
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_register(
                **serializer.validated_data, site=site_base(request._request)
            )
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(AnonymousView):
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        user = _authenticate(request)
        # A login without a session: the same signal, so the login protection clears the
        # failures it counted and last_login is kept, as for the other login paths.
        user_logged_in.send(sender=User, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class SessionLoginView(APIView):
    """Browser login: sets the session cookie (CSRF-protected like every session write)."""

    permission_classes = [AllowAny]
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses={200: MeSerializer})
    def post(self, request: Request) -> Response:
        user = _authenticate(request)
        login(request._request, user)
        return Response(MeSerializer(user).data)


class SessionLogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordConfirmSerializer(serializers.Serializer[None]):
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class BodyOnDeleteSchema(BackstageAutoSchema):
    """drf-spectacular documents a body only for POST, PUT and PATCH; `DELETE /api/me/` takes
    one (the password), and the schema must say so."""

    def _get_request_body(self, direction: str = "request") -> Any:
        # drf-spectacular's internals are untyped.
        if self.method != "DELETE":
            return super()._get_request_body(direction)  # type: ignore[no-untyped-call]
        self.method = "POST"
        try:
            return super()._get_request_body(direction)  # type: ignore[no-untyped-call]
        finally:
            self.method = "DELETE"


class MeView(APIView):
    permission_classes = [IsAuthenticated]
    schema = BodyOnDeleteSchema()
    throttle_scope = "login"

    def get_throttles(self) -> list[BaseThrottle]:
        # Deleting asks for the password: limit guesses by whoever holds a session or token.
        if getattr(self.request, "method", None) == "DELETE":
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request_user(request)).data)

    @extend_schema(
        request=MeUpdateSerializer,
        responses={200: MeSerializer},
        description="Change the display name, e-mail address, language or time zone. A new "
        "address is unconfirmed until its owner follows the link e-mailed to it.",
    )
    def patch(self, request: Request) -> Response:
        user = request_user(request)
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_update(
                user=user, site=site_base(request._request), **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(MeSerializer(user).data)

    @extend_schema(
        request=PasswordConfirmSerializer,
        responses={204: None},
        description="Delete the caller's account, confirmed with their password. Their "
        "messages stay until the retention period ends, shown as a deleted user's.",
    )
    def delete(self, request: Request) -> Response:
        user = request_user(request)
        serializer = PasswordConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account_delete(user=user, password=serializer.validated_data["password"])
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MePasswordView(APIView):
    """Change one's password. The caller stays signed in (this session, or the API token it
    used); every other session and token of the account ends."""

    permission_classes = [IsAuthenticated]
    # It checks a password: limit guesses by whoever holds a session or token.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=PasswordChangeSerializer, responses={200: MeSerializer})
    def post(self, request: Request) -> Response:
        user = request_user(request)
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = request.auth if isinstance(request.auth, Token) else None
        try:
            services.password_change(
                user=user,
                keep_token_key=token.key if token is not None else None,
                **serializer.validated_data,
            )
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        if token is None:
            # Signed in with a session: keep it (a new key, signed with the new hash).
            update_session_auth_hash(request._request, user)
        return Response(MeSerializer(user).data)


class PasswordResetView(AnonymousView):
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "password_reset"

    @extend_schema(
        request=PasswordResetRequestSerializer,
        responses={202: AcceptedSerializer},
        description="E-mail a link to choose a new password to every account using this "
        "address. The answer is the same whether or not an account uses it.",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_reset_request(
            email=serializer.validated_data["email"], site=site_base(request._request)
        )
        return Response({"detail": password_reset_sent_message()}, status=status.HTTP_202_ACCEPTED)


class MeExportView(APIView):
    """The caller's data as a JSON file (accounts.privacy: one key per app's section)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: inline_serializer(
                "AccountExport",
                {
                    "exported_at": serializers.DateTimeField(),
                    "account": serializers.DictField(),
                    "events": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
        description="Everything Backstage keeps that is the caller's: account, profile, "
        "messages sent, contact requests, bookings, slots, rooms, reports made, events; as "
        "an attachment. Other people appear by id only.",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        disposition = content_disposition_header(
            as_attachment=True, filename=f"backstage-export-{user.username}.json"
        )
        return Response(account_export(user=user), headers={"Content-Disposition": disposition})
