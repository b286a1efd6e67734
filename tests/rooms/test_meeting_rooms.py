"""The bookings seam: a booked virtual slot gets an invite-only room for its people."""

import datetime as dt
from typing import Any

import pytest

from rooms import services as room_services
from rooms.access import access_room
from rooms.errors import RoomError
from rooms.models import Room
from scheduling.meeting_rooms import meeting_room_url
from scheduling.models import Mode, Slot
from scheduling.services.booking import booking_cancel, booking_create

pytestmark = pytest.mark.django_db


def test_booked_virtual_slot_gets_an_invite_only_room(
    open_window: Any, pro: Any, make_student: Any
) -> None:
    window = open_window(mode=Mode.VIRTUAL, capacity=3, minutes=60)
    slot = Slot.objects.filter(window=window).order_by("starts_at").first()
    assert slot is not None
    first, second, outsider = make_student(), make_student(), make_student()
    booking_create(student=first, slot_id=slot.pk)
    slot.refresh_from_db()
    room = Room.objects.get(meeting_slot=slot)
    assert slot.room_id == room.pk
    assert (room.host, room.visibility, room.starts_at, room.capacity) == (
        pro,
        "invite",
        slot.starts_at,
        4,
    )
    assert meeting_room_url(slot=slot, user=first) == f"/rooms/{room.pk}/"
    assert meeting_room_url(slot=slot, user=pro) == f"/rooms/{room.pk}/"
    # A later booking joins the same room, with no invite of its own.
    second_booking = booking_create(student=second, slot_id=slot.pk)
    assert Room.objects.filter(meeting_slot=slot).count() == 1
    for user in (pro, first, second):
        assert access_room(user=user, room_id=room.pk) == room
    with pytest.raises(RoomError) as refused:
        access_room(user=outsider, room_id=room.pk)
    assert refused.value.code == "not_found"
    # A cancelled booking loses the room.
    booking_cancel(user=second, booking_id=second_booking.pk, reason="Ill")
    with pytest.raises(RoomError):
        access_room(user=second, room_id=room.pk)
    # The room opens 15 minutes before the slot.
    with pytest.raises(RoomError) as early:
        room_services.peer_join(user=first, room_id=room.pk, peer_id="p", channel_name="c")
    assert early.value.code == "conflict"
    joined = room_services.peer_join(
        user=first,
        room_id=room.pk,
        peer_id="p",
        channel_name="c",
        now=slot.starts_at - dt.timedelta(minutes=10),
    )
    assert joined.admitted


def test_in_person_slots_have_no_room(open_window: Any, pupil: Any) -> None:
    window = open_window()
    slot = Slot.objects.filter(window=window).first()
    assert slot is not None
    booking_create(student=pupil, slot_id=slot.pk)
    slot.refresh_from_db()
    assert slot.room_id is None and meeting_room_url(slot=slot, user=pupil) is None
    assert Room.objects.count() == 0


def test_a_slot_whose_room_is_gone_has_no_link_until_its_next_booking(
    open_window: Any, pupil: Any, make_student: Any
) -> None:
    window = open_window(mode=Mode.VIRTUAL, capacity=2, minutes=60)
    slot = Slot.objects.filter(window=window).first()
    assert slot is not None
    booking_create(student=pupil, slot_id=slot.pk)
    Room.objects.filter(meeting_slot=slot).delete()
    slot.refresh_from_db()
    assert slot.room_id is None and meeting_room_url(slot=slot, user=pupil) is None
    booking_create(student=make_student(), slot_id=slot.pk)
    relinked = Slot.objects.get(pk=slot.pk)
    assert relinked.room_id is not None
    assert meeting_room_url(slot=relinked, user=pupil) == f"/rooms/{relinked.room_id}/"
