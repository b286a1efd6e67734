"""Account endpoints: register, token, session login/logout, the caller."""

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import login_guard, services
from accounts.access import request_user
from accounts.models import User
from accounts.serializers import (
    CredentialsSerializer,
    MeSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserSerializer,
)


def _as_api_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def _authenticate(request: Request) -> User:
    credentials = CredentialsSerializer(data=request.data)
    credentials.is_valid(raise_exception=True)
    username = credentials.validated_data["username"]
    if login_guard.login_blocked(username=username):
        raise exceptions.Throttled(
            wait=login_guard.WINDOW_SECONDS,
            detail="Too many failed attempts for this account. Try again later.",
        )
    user = authenticate(request._request, **credentials.validated_data)
    if not isinstance(user, User):
        login_guard.login_failure_record(username=username)
        # One message for both cases, so the endpoint does not reveal which usernames exist.
        raise exceptions.AuthenticationFailed("Wrong username or password.")
    login_guard.login_success_record(username=username)
    return user


class AnonymousView(APIView):
    """An endpoint for callers who have no credentials yet."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    def get_authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to wrong credentials.
        return "Token"


class RegisterView(AnonymousView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: UserSerializer})
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_register(**serializer.validated_data)
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(AnonymousView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        user = _authenticate(request)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class SessionLoginView(APIView):
    """Browser login: sets the session cookie (CSRF-protected like every session write)."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
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


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request_user(request)).data)

    @extend_schema(request=MeSerializer, responses={200: MeSerializer})
    def patch(self, request: Request) -> Response:
        user = request_user(request)
        serializer = MeSerializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_set_preferences(user=user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        return Response(MeSerializer(user).data)
