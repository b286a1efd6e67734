"""REST endpoints of verification (api.md, "Safeguarding — fixed core"): organisers and
moderators verify and withdraw (fixed), and list the queue, read a professional's standing,
ask for more information and refuse (ours)."""

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import request_user
from accounts.models import User
from safeguarding import verification
from safeguarding.verification_models import (
    VERIFICATION_MESSAGE_MAX_LENGTH,
    VERIFICATION_NOTE_MAX_LENGTH,
    VerificationDecision,
    VerificationLevel,
)

QUEUE_LIMIT = 200


class IsVerificationDecider(BasePermission):
    """Organisers and moderators only: anyone else is refused before their body is read."""

    message = gettext_lazy("Only organisers and moderators can verify professionals.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return isinstance(user, User) and verification.may_decide_verification(user)


_DECIDERS = [IsAuthenticated, IsVerificationDecider]


class VerifySerializer(serializers.Serializer[Any]):
    level = serializers.ChoiceField(choices=VerificationLevel.choices)
    note = serializers.CharField(
        max_length=VERIFICATION_NOTE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    # The fixed body is level and note: a call through the API vouches the identity was seen.
    identity_seen = serializers.BooleanField(required=False, default=True)
    extract_date = serializers.DateField(required=False, allow_null=True, default=None)


class MessageSerializer(serializers.Serializer[Any]):
    message = serializers.CharField(max_length=VERIFICATION_MESSAGE_MAX_LENGTH)
    note = serializers.CharField(
        max_length=VERIFICATION_NOTE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=VERIFICATION_MESSAGE_MAX_LENGTH)
    note = serializers.CharField(
        max_length=VERIFICATION_NOTE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class UnverifySerializer(ReasonSerializer):
    reason = serializers.CharField(
        max_length=VERIFICATION_MESSAGE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


_VERIFIED = inline_serializer(
    "VerificationVerified",
    {
        "verified": serializers.BooleanField(),
        "level": serializers.ChoiceField(choices=VerificationLevel.choices),
        "verified_by": serializers.IntegerField(help_text="The organiser's or moderator's id."),
        "verified_at": serializers.DateTimeField(),
        "identity_seen": serializers.BooleanField(),
        "extract_date": serializers.DateField(allow_null=True),
    },
)

_DECISION_FIELDS: dict[str, serializers.Field[Any, Any, Any, Any]] = {
    "id": serializers.IntegerField(),
    "professional": serializers.IntegerField(),
    "status": serializers.CharField(),
    "level": serializers.CharField(help_text="`standard` or `enhanced`; empty unless verified."),
    "identity_seen": serializers.BooleanField(),
    "extract_date": serializers.DateField(allow_null=True),
    "message": serializers.CharField(help_text="What the professional is told."),
    "note": serializers.CharField(help_text="Internal: organisers and moderators only."),
    "decided_by": serializers.IntegerField(),
    "decided_at": serializers.DateTimeField(),
}
_DECIDED = inline_serializer(
    "VerificationDecided", {**_DECISION_FIELDS, "verified": serializers.BooleanField()}
)
_STANDING = inline_serializer(
    "VerificationStanding",
    {
        "professional": serializers.IntegerField(),
        "verified": serializers.BooleanField(),
        "status": serializers.CharField(),
        "history": inline_serializer("VerificationDecision", _DECISION_FIELDS, many=True),
    },
)
_QUEUE = inline_serializer(
    "VerificationQueue", {"results": serializers.ListField(child=serializers.DictField())}
)


def decision_payload(decision: VerificationDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "professional": decision.professional_id,
        "status": decision.status,
        "level": decision.level,
        "identity_seen": decision.identity_seen,
        "extract_date": decision.extract_date,
        "message": decision.message,
        "note": decision.note,
        "decided_by": decision.decided_by_id,
        "decided_at": decision.decided_at,
    }


def _decided(decision: VerificationDecision) -> dict[str, Any]:
    return {**decision_payload(decision), "verified": decision.status == "verified"}


class VerifyView(APIView):
    permission_classes = _DECIDERS

    @extend_schema(request=VerifySerializer, responses={200: _VERIFIED})
    def post(self, request: Request, user_id: int) -> Response:
        """An organiser or a moderator verifies a professional (`enhanced`: a criminal-record
        extract for work with minors was seen; `extract_date` records its date)."""
        incoming = VerifySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        decision = verification.verify(
            decider=request_user(request),
            professional_id=user_id,
            level=data["level"],
            identity_seen=data["identity_seen"],
            extract_date=data["extract_date"],
            note=data["note"],
        )
        return Response(
            {
                "verified": True,
                "level": decision.level,
                "verified_by": decision.decided_by_id,
                "verified_at": decision.decided_at,
                "identity_seen": decision.identity_seen,
                "extract_date": decision.extract_date,
            }
        )


class UnverifyView(APIView):
    permission_classes = _DECIDERS

    @extend_schema(request=UnverifySerializer, responses={200: _DECIDED})
    def post(self, request: Request, user_id: int) -> Response:
        """Withdraw a professional's verification: their open rooms end and they leave the
        gallery; `reason` is shown to them."""
        incoming = UnverifySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        decision = verification.withdraw(
            decider=request_user(request),
            professional_id=user_id,
            reason=incoming.validated_data["reason"],
            note=incoming.validated_data["note"],
        )
        return Response(_decided(decision))


class RequestInformationView(APIView):
    permission_classes = _DECIDERS

    @extend_schema(request=MessageSerializer, responses={200: _DECIDED})
    def post(self, request: Request, user_id: int) -> Response:
        """Ask a professional for more before deciding: `message` is shown to them."""
        incoming = MessageSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        decision = verification.request_more_information(
            decider=request_user(request),
            professional_id=user_id,
            message=incoming.validated_data["message"],
            note=incoming.validated_data["note"],
        )
        return Response(_decided(decision))


class RefuseView(APIView):
    permission_classes = _DECIDERS

    @extend_schema(request=ReasonSerializer, responses={200: _DECIDED})
    def post(self, request: Request, user_id: int) -> Response:
        """Refuse to verify a professional: `reason` is shown to them."""
        incoming = ReasonSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        decision = verification.refuse(
            decider=request_user(request),
            professional_id=user_id,
            reason=incoming.validated_data["reason"],
            note=incoming.validated_data["note"],
        )
        return Response(_decided(decision))


class StandingView(APIView):
    permission_classes = _DECIDERS

    @extend_schema(responses={200: _STANDING})
    def get(self, request: Request, user_id: int) -> Response:
        """A professional's standing and every decision on them, newest first."""
        professional = verification.professional_get(professional_id=user_id)
        standing = verification.verification_standing(professional=professional)
        history = verification.decision_history(professional=professional)
        return Response(
            {
                "professional": professional.pk,
                "verified": professional.verified,
                "status": standing.status,
                "history": [decision_payload(decision) for decision in history],
            }
        )


class QueueView(APIView):
    permission_classes = _DECIDERS

    @extend_schema(responses={200: _QUEUE})
    def get(self, request: Request) -> Response:
        """Professionals waiting for a decision, the longest waiting first (200 at most)."""
        professionals = verification.verification_queue()[:QUEUE_LIMIT]
        return Response(
            {
                "results": [
                    {
                        "id": professional.pk,
                        "username": professional.username,
                        "display_name": professional.display_name,
                        "status": getattr(professional, "latest_status", None) or "pending",
                        "joined_at": professional.date_joined,
                    }
                    for professional in professionals
                ]
            }
        )
