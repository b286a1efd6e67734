"""Demo availability for `seed_demo`: open slots for demo-pro and a few demo professionals."""

import datetime as dt

from django.utils import timezone

from accounts.models import Role, User
from scheduling.models import AvailabilityWindow, Mode, WindowKind
from scheduling.services.availability import availability_window_add


def _weekly(
    professional: User,
    *,
    weekday: int,
    start: str,
    end: str,
    minutes: int,
    capacity: int = 1,
    mode: str = Mode.IN_PERSON,
    address: str = "",
) -> None:
    availability_window_add(
        professional=professional,
        kind=WindowKind.WEEKLY,
        weekday=weekday,
        start_date=timezone.now().date(),
        end_date=None,
        start_time=dt.time.fromisoformat(start),
        end_time=dt.time.fromisoformat(end),
        slot_minutes=minutes,
        capacity=capacity,
        mode=mode,
        address=address,
    )


def demo_slots_seed() -> int:
    """Give demo-pro and the first few verified demo professionals weekly windows, once.

    Idempotent: a professional who already has a window is left alone. Returns how many
    professionals got windows.
    """
    seeded = 0
    demo_pro = User.objects.filter(username="demo-pro").first()
    if demo_pro and not AvailabilityWindow.objects.filter(professional=demo_pro).exists():
        _weekly(
            demo_pro,
            weekday=1,
            start="18:00",
            end="20:00",
            minutes=30,
            address="Hôpital des enfants, avenue J.J. Crocq 15, 1020 Bruxelles",
        )
        _weekly(
            demo_pro,
            weekday=3,
            start="17:00",
            end="18:00",
            minutes=60,
            capacity=4,
            mode=Mode.VIRTUAL,
        )
        seeded += 1
    others = (
        User.objects.filter(role=Role.PROFESSIONAL, verified=True, is_active=True)
        .exclude(username="demo-pro")
        .filter(witness_profile__isnull=False)
        .order_by("username")[:4]
    )
    for index, professional in enumerate(others):
        if AvailabilityWindow.objects.filter(professional=professional).exists():
            continue
        _weekly(
            professional,
            weekday=index % 5,
            start="17:30",
            end="19:00",
            minutes=45 if index % 2 else 30,
            mode=Mode.VIRTUAL,
        )
        seeded += 1
    return seeded
