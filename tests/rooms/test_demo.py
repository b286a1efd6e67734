"""The demo data's Q&A room: there once, upcoming, and open to join right away."""

from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from rooms.access import room_check_entry
from rooms.models import Room
from rooms.selectors import room_list


@pytest.mark.django_db
def test_seed_demo_makes_one_upcoming_public_room(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    room = Room.objects.get()
    student = User.objects.get(username="demo-student")
    assert room.host.username == "demo-pro" and room.visibility == "public"
    assert room.status == "scheduled"
    assert list(room_list(user=student, status="upcoming")) == [room]
    room_check_entry(room=room, user=student)  # open already: no error
