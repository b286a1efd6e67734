"""Pushes on the `user:` topics through the real channel layer (in memory, or Redis when
REDIS_URL is set): the other side hears of a booking, a cancellation, a move, a reminder."""

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections
from django.utils import timezone

from accounts.models import User
from realtime.hub import PUSH_MESSAGE
from realtime.topics import Topic
from scheduling.errors import NotPermitted
from scheduling.models import AvailabilityWindow, BookingRules
from scheduling.services import booking_cancel, booking_create, booking_reschedule
from scheduling.services.reminders import reminder_deliver
from tests.scheduling.conftest import slots_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _close_worker_connection() -> AsyncIterator[None]:
    """sync_to_async ran the services in a worker thread: close its database connection, so
    the test database can be dropped at the end."""
    yield
    await sync_to_async(connections.close_all)()


class Listener:
    """A channel in a user's topic group, as a connected tab of that user would be."""

    def __init__(self, user: User) -> None:
        self.layer = get_channel_layer()
        self.group = Topic.parse(f"user:{user.pk}").group
        self.channel = ""

    async def __aenter__(self) -> "Listener":
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.layer.group_discard(self.group, self.channel)

    async def push(self, timeout: float = 5) -> dict[str, Any]:
        """The next booking push (the bell's `notification` pushes are tests/accounts')."""
        while True:
            message = await asyncio.wait_for(self.layer.receive(self.channel), timeout)
            assert message["type"] == PUSH_MESSAGE
            frame: dict[str, Any] = json.loads(message["text"])
            if frame["type"] != "notification":
                return frame

    async def silent(self, timeout: float = 0.3) -> bool:
        try:
            await asyncio.wait_for(self.layer.receive(self.channel), timeout)
        except TimeoutError:
            return True
        return False


async def test_the_professional_hears_of_a_booking_and_the_student_of_a_cancellation(
    open_window: Callable[..., AvailabilityWindow], pro: User, pupil: User
) -> None:
    window = await sync_to_async(open_window)()
    slot = (await sync_to_async(slots_of)(window))[0]
    async with Listener(pro) as professional, Listener(pupil) as student:
        booking = await sync_to_async(booking_create)(student=pupil, slot_id=slot.pk)
        created = await professional.push()
        assert created["type"] == "booking.created"
        assert created["topic"] == f"user:{pro.pk}"
        assert created["data"]["booking"] == booking.pk
        assert created["data"]["by"] == "student"
        assert (await student.push())["type"] == "booking.created"  # the student's other tabs

        await sync_to_async(booking_cancel)(user=pro, booking_id=booking.pk, reason="Flu")
        cancelled = await student.push()
        assert cancelled == {
            "type": "booking.cancelled",
            "topic": f"user:{pupil.pk}",
            "data": {
                "booking": booking.pk,
                "slot": slot.pk,
                "status": "cancelled",
                "starts_at": slot.starts_at.isoformat().replace("+00:00", "Z"),
                "ends_at": slot.ends_at.isoformat().replace("+00:00", "Z"),
                "sequence": 1,
                "by": "professional",
                "reason": "Flu",
            },
        }
        assert (await professional.push())["type"] == "booking.cancelled"


async def test_a_student_cancellation_and_a_move_reach_the_professional(
    open_window: Callable[..., AvailabilityWindow], pro: User, pupil: User
) -> None:
    window = await sync_to_async(open_window)(start="18:00", end="19:30")
    first, second, _third = await sync_to_async(slots_of)(window)
    async with Listener(pro) as professional:
        booking = await sync_to_async(booking_create)(student=pupil, slot_id=first.pk)
        assert (await professional.push())["type"] == "booking.created"
        await sync_to_async(booking_reschedule)(
            student=pupil, booking_id=booking.pk, slot_id=second.pk
        )
        moved = await professional.push()
        assert moved["type"] == "booking.rescheduled"
        assert moved["data"]["sequence"] == 1
        assert moved["data"]["slot"] == second.pk
        assert moved["data"]["previous_starts_at"] == first.starts_at.isoformat().replace(
            "+00:00", "Z"
        )
        await sync_to_async(booking_cancel)(user=pupil, booking_id=booking.pk, reason="Exam")
        cancelled = await professional.push()
        assert (cancelled["type"], cancelled["data"]["by"]) == ("booking.cancelled", "student")


async def test_a_refused_booking_pushes_nothing(
    open_window: Callable[..., AvailabilityWindow], pro: User, pupil: User
) -> None:
    window = await sync_to_async(open_window)()
    slot = (await sync_to_async(slots_of)(window))[0]
    await sync_to_async(User.objects.filter(pk=pro.pk).update)(verified=False)
    async with Listener(pro) as professional:
        with pytest.raises(NotPermitted):
            await sync_to_async(booking_create)(student=pupil, slot_id=slot.pk)
        assert await professional.silent()


async def test_reminders_reach_both_sides_in_the_app(
    open_window: Callable[..., AvailabilityWindow], pro: User, pupil: User
) -> None:
    window = await sync_to_async(open_window)()
    slot = (await sync_to_async(slots_of)(window))[0]
    await sync_to_async(BookingRules.objects.create)(
        professional=pro, min_notice_minutes=0, horizon_days=60
    )
    booking = await sync_to_async(booking_create)(
        student=pupil, slot_id=slot.pk, now=timezone.now() - dt.timedelta(days=5)
    )
    async with Listener(pro) as professional, Listener(pupil) as student:
        sent = await sync_to_async(reminder_deliver)(
            booking_id=booking.pk,
            kind="24h",
            starts_at=booking.starts_at,
            now=booking.starts_at - dt.timedelta(hours=24),
        )
        assert sent
        for listener in (professional, student):
            push = await listener.push()
            assert (push["type"], push["data"]["kind"]) == ("booking.reminder", "24h")
