"""REST endpoints of safeguarding: members report, moderators list and close reports."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import request_user
from safeguarding import selectors, services
from safeguarding.access import is_moderator
from safeguarding.models import REPORT_DETAILS_MAX_LENGTH, RESOLUTION_MAX_LENGTH, ReportReason

# The one target kind the API reports today (api.md); chat registers it (chat/reports.py).
CONVERSATION = "conversation"


class ReportCreateSerializer(serializers.Serializer[Any]):
    conversation = serializers.IntegerField(min_value=1)
    message = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    details = serializers.CharField(
        max_length=REPORT_DETAILS_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ReportCloseSerializer(serializers.Serializer[Any]):
    resolution = serializers.CharField(
        max_length=RESOLUTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ReportListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReportCreateSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        """A member reports a conversation (`message` absent) or one message of it."""
        incoming = ReportCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        report = services.report_create(
            reporter=request_user(request),
            target_kind=CONVERSATION,
            target_id=data["conversation"],
            item_id=data.get("message"),
            reason=data["reason"],
            details=data["details"],
        )
        return Response({"id": report.pk, "status": report.status}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        """Moderators only: reports, newest first (`?status=open|closed`, 200 at most)."""
        if not is_moderator(request_user(request)):
            raise exceptions.PermissionDenied("Only moderators can see reports.")
        reports = selectors.report_list(status=request.query_params.get("status"))[:200]
        return Response({"results": selectors.report_payloads(list(reports))})


class ReportCloseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReportCloseSerializer, responses={200: dict})
    def post(self, request: Request, report_id: int) -> Response:
        """Moderators only: close a report with a note on what was done."""
        incoming = ReportCloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        report = services.report_close(
            moderator=request_user(request),
            report_id=report_id,
            resolution=incoming.validated_data["resolution"],
        )
        return Response(selectors.report_payload(report))
