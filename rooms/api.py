"""REST endpoints of the rooms (docs/rooms.md): open, list, read, invite, end."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import request_user
from chat.payloads import author_payload
from rooms import selectors, services
from rooms.access import access_room
from rooms.errors import RoomError
from rooms.payloads import room_payload
from rooms.serializers import RoomCreateSerializer, RoomInviteSerializer, RoomListQuerySerializer

_ROOM = inline_serializer(
    "Room",
    {
        "id": serializers.IntegerField(),
        "topic": serializers.CharField(),
        "title": serializers.CharField(),
        "description": serializers.CharField(),
        "host": serializers.DictField(),
        "starts_at": serializers.DateTimeField(),
        "capacity": serializers.IntegerField(),
        "visibility": serializers.CharField(),
        "lobby": serializers.BooleanField(),
        "status": serializers.CharField(),
        "media_mode": serializers.CharField(),
        "url": serializers.CharField(),
    },
)


def _visible(request: Request, room_id: int) -> Any:
    """The room, or 404 when the user may not see it (invite-only rooms are not probed)."""
    try:
        return access_room(user=request_user(request), room_id=room_id)
    except RoomError:
        raise exceptions.NotFound("No such room.") from None


class RoomListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="rooms_list",
        parameters=[OpenApiParameter("status", str, enum=["live", "upcoming"])],
        responses={200: inline_serializer("RoomList", {"results": serializers.ListField()})},
    )
    def get(self, request: Request) -> Response:
        """Rooms the caller may see (public, invited, hosted, booked), soonest first."""
        query = RoomListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rooms = selectors.room_list(
            user=request_user(request), status=query.validated_data.get("status")
        )
        return Response({"results": [room_payload(room) for room in rooms]})

    @extend_schema(request=RoomCreateSerializer, responses={201: _ROOM})
    def post(self, request: Request) -> Response:
        """A verified professional opens a Q&A room."""
        incoming = RoomCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        room = services.room_create(host=request_user(request), **incoming.validated_data)
        return Response(room_payload(room), status=status.HTTP_201_CREATED)


class RoomDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: _ROOM})
    def get(self, request: Request, room_id: int) -> Response:
        """One room the caller may see."""
        return Response(room_payload(_visible(request, room_id)))


class RoomInviteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=RoomInviteSerializer,
        responses={
            201: inline_serializer(
                "RoomInvite", {"room": serializers.IntegerField(), "user": serializers.DictField()}
            )
        },
    )
    def post(self, request: Request, room_id: int) -> Response:
        """The host invites a user to the room (inviting twice is harmless)."""
        room = _visible(request, room_id)
        incoming = RoomInviteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        invite, _created = services.room_invite(
            host=request_user(request), room_id=room.pk, user_id=incoming.validated_data["user"]
        )
        body = {"room": room.pk, "user": author_payload(invite.user)}
        return Response(body, status=status.HTTP_201_CREATED)


class RoomEndView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: _ROOM})
    def post(self, request: Request, room_id: int) -> Response:
        """The host ends the room for everyone."""
        room = _visible(request, room_id)
        ended = services.room_end(user=request_user(request), room_id=room.pk)
        return Response(room_payload(ended))


class RoomInvitationDismissView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, room_id: int) -> Response:
        """The invited user closes the invitation's notice; it no longer shows on their pages."""
        services.room_invite_dismiss(user=request_user(request), room_id=room_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
