"""POST /api/ws-ticket/: a ticket for clients that open the WebSocket without a cookie."""

from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import User
from realtime.serializers import WsTicketSerializer
from realtime.tickets import ticket_issue


class WsTicketView(APIView):
    # Token first, so an unauthenticated call gets 401 with a WWW-Authenticate header.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "ws_ticket"

    @extend_schema(
        request=None,
        responses={200: WsTicketSerializer},
        summary="Get a single-use WebSocket ticket",
        description="Connect within `expires_in` seconds to `/ws/?ticket=<ticket>`.",
    )
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)  # noqa: S101  (IsAuthenticated guarantees it)
        # The socket will depend on what authenticated this request: the token, or the session.
        if isinstance(request.auth, Token):
            issued = ticket_issue(user=request.user, token_key=request.auth.key)
        else:
            issued = ticket_issue(
                user=request.user, session_key=request._request.session.session_key
            )
        return Response(WsTicketSerializer(issued).data)
