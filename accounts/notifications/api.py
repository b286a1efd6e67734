"""Notification endpoints: the caller's list with the unread count, read marks, and this
device's Web Push subscription (api.md "Accounts and notifications")."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import request_user
from accounts.notifications.models import Notification, NotificationKind
from accounts.notifications.service import notifications_mark_read, unread_count
from accounts.notifications.texts import notification_payload
from accounts.notifications.webpush import push_subscription_delete, push_subscription_save
from core.pagination import LookaheadPagination

# The schema of one notification (the rows are built by texts.notification_payload).
NotificationSerializer = inline_serializer(
    name="Notification",
    fields={
        "id": serializers.IntegerField(),
        "kind": serializers.ChoiceField(choices=NotificationKind.choices),
        "data": serializers.DictField(help_text="What it is about; `url` links to it."),
        "created_at": serializers.DateTimeField(),
        "read": serializers.BooleanField(),
        "text": serializers.CharField(help_text="One sentence, in the caller's language."),
        "url": serializers.CharField(help_text="The site path of the thing, or empty."),
    },
)


class NotificationPageParams(serializers.Serializer[Any]):
    page = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class MarkReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500
    )
    all = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "ids" not in attrs and not attrs.get("all"):
            raise serializers.ValidationError({"ids": ["Give ids, or all: true."]})
        return attrs


class PushKeysSerializer(serializers.Serializer[Any]):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class PushSubscriptionSerializer(serializers.Serializer[Any]):
    endpoint = serializers.URLField(max_length=1000)
    keys = PushKeysSerializer()


class PushEndpointSerializer(serializers.Serializer[Any]):
    endpoint = serializers.URLField(max_length=1000)


UnreadSerializer = inline_serializer(
    name="NotificationUnread", fields={"unread": serializers.IntegerField()}
)


class NotificationListView(APIView):
    @extend_schema(
        operation_id="notifications_list",
        parameters=[NotificationPageParams],
        responses={
            200: inline_serializer(
                name="PaginatedNotificationList",
                fields={
                    "results": serializers.ListField(child=NotificationSerializer),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "unread": serializers.IntegerField(),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        params = NotificationPageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        paginator = LookaheadPagination()
        rows = Notification.objects.filter(user=user).order_by("-created_at", "-pk")
        page = paginator.paginate_queryset(rows, request, view=self)
        response = paginator.get_paginated_response([notification_payload(n) for n in page])
        response.data["unread"] = unread_count(user_id=user.pk)
        return response


class NotificationReadView(APIView):
    @extend_schema(request=MarkReadSerializer, responses={200: UnreadSerializer})
    def post(self, request: Request) -> Response:
        user = request_user(request)
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unread = notifications_mark_read(
            user_id=user.pk,
            ids=body.validated_data.get("ids"),
            everything=bool(body.validated_data.get("all")),
        )
        return Response({"unread": unread})


class PushSubscriptionView(APIView):
    @extend_schema(
        request=PushSubscriptionSerializer, responses={201: None}, operation_id="push_subscribe"
    )
    def post(self, request: Request) -> Response:
        body = PushSubscriptionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        push_subscription_save(
            user=request_user(request),
            endpoint=body.validated_data["endpoint"],
            p256dh=body.validated_data["keys"]["p256dh"],
            auth=body.validated_data["keys"]["auth"],
        )
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PushEndpointSerializer, responses={204: None}, operation_id="push_unsubscribe"
    )
    def delete(self, request: Request) -> Response:
        body = PushEndpointSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        push_subscription_delete(
            user=request_user(request), endpoint=body.validated_data["endpoint"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
