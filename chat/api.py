"""REST endpoints of the chat: contact requests (api.md), the inbox, history pages."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import request_user
from accounts.models import User
from chat import selectors, services
from chat.access import access_conversation
from chat.models import CONTACT_MESSAGE_MAX_LENGTH, ContactRequest
from chat.payloads import author_payload, conversation_ref


class ContactRequestCreateSerializer(serializers.Serializer[Any]):
    professional = serializers.IntegerField(min_value=1)
    message = serializers.CharField(max_length=CONTACT_MESSAGE_MAX_LENGTH, trim_whitespace=True)


def contact_request_payload(request: ContactRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": request.pk,
        "status": request.status,
        "student": author_payload(request.student),
        "professional": author_payload(request.professional),
        "message": request.message,
        "created_at": request.created_at.isoformat().replace("+00:00", "Z"),
        "conversation": conversation_ref(request.conversation) if request.conversation else None,
    }
    return data


class ContactRequestListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ContactRequestCreateSerializer,
        responses={
            201: inline_serializer(
                "ContactCreated",
                {"id": serializers.IntegerField(), "status": serializers.CharField()},
            )
        },
    )
    def post(self, request: Request) -> Response:
        """A student asks a verified professional for contact."""
        user = request_user(request)
        incoming = ContactRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        professional = User.objects.filter(pk=incoming.validated_data["professional"]).first()
        if professional is None:
            raise exceptions.ValidationError(
                {"professional": ["Only verified professionals can be contacted."]}
            )
        created = services.contact_request_create(
            student=user, professional=professional, message=incoming.validated_data["message"]
        )
        return Response({"id": created.pk, "status": created.status}, status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        """Requests the caller sent or received, newest first (`?status=pending`)."""
        user = request_user(request)
        requests = selectors.contact_request_list(
            user=user, status=request.query_params.get("status")
        )[:100]
        return Response({"results": [contact_request_payload(r) for r in requests]})


class ContactRequestAcceptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, request_id: int) -> Response:
        """The professional accepts; the direct conversation opens."""
        accepted = services.contact_request_accept(
            professional=request_user(request), request_id=request_id
        )
        assert accepted.conversation is not None  # noqa: S101  (set by the service)
        return Response(
            {
                "id": accepted.pk,
                "status": accepted.status,
                "conversation": conversation_ref(accepted.conversation),
            }
        )


class ContactRequestDeclineView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, request_id: int) -> Response:
        """The professional declines."""
        declined = services.contact_request_decline(
            professional=request_user(request), request_id=request_id
        )
        return Response({"id": declined.pk, "status": declined.status})


class ConversationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        """The caller's inbox: latest activity first, with unread counts."""
        return Response({"results": selectors.conversation_list(user=request_user(request))})


class UnreadConversationsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        """The conversations with unread messages (the header badge): `{"results": [{"id",
        "last_seq", "last_read_seq"}]}`."""
        return Response({"results": selectors.unread_conversations(user=request_user(request))})


class MessageListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request, conversation_id: int) -> Response:
        """Older history: `?before_seq=N&limit=50` (at most 200) gives the messages before N."""
        # Any kind of chat (a dm or a room's): its own access rule decides. Unknown ids are
        # refused like foreign ones, so ids cannot be probed.
        topic = (
            selectors.conversation_topic(conversation_id=conversation_id) or f"dm:{conversation_id}"
        )
        conversation = access_conversation(user=request_user(request), topic=topic)
        try:
            before = request.query_params.get("before_seq")
            before_seq = int(before) if before is not None else None
            limit = int(request.query_params.get("limit", selectors.LATEST_PAGE))
        except ValueError:
            raise exceptions.ValidationError({"before_seq": ["A whole number."]}) from None
        if not 1 <= limit <= selectors.HISTORY_MAX:
            raise exceptions.ValidationError({"limit": ["From 1 to 200."]})
        page = selectors.message_page_before(
            conversation=conversation, before_seq=before_seq, limit=limit
        )
        return Response({"results": page.messages, "older": page.older})
