"""REST input of the rooms API (output shapes are rooms.payloads)."""

from typing import Any

from rest_framework import serializers

from rooms.models import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, Visibility


class RoomCreateSerializer(serializers.Serializer[Any]):
    # Lengths and ranges are the service's rules; bounds here only stop absurd input early.
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH * 2, trim_whitespace=True)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH * 2, required=False, allow_blank=True, default=""
    )
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    capacity = serializers.IntegerField(required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.PUBLIC
    )
    lobby = serializers.BooleanField(required=False, default=False)


class RoomInviteSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(min_value=1)


class RoomListQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["live", "upcoming"], required=False)
