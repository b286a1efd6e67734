"""What the organiser's pages share: loading the event for its organiser, and the reads the
pages show (participants, people to add)."""

from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts.access import request_user
from accounts.models import Role, User
from events.access import access_event_as_organiser
from events.errors import EventError
from events.models import (
    Event,
    EventParticipant,
    ParticipantRole,
)

CANDIDATES_SHOWN = 20


def user_zone(user: User) -> ZoneInfo:
    return ZoneInfo(user.time_zone)


def organiser_event(request: HttpRequest, event_id: int) -> tuple[User, Event]:
    """The signed-in user and their event. Someone who cannot see the event gets a 404, a
    participant a 403 (EventError through core.middleware), as the API answers."""
    user = request_user(request)
    return user, access_event_as_organiser(user=user, event_id=event_id)


def shown_on_page(exc: EventError) -> bool:
    """A refusal to show on the page (bad input, a conflict). `not_found` and `forbidden` are
    left to core.middleware, which answers them as the API does (404, 403)."""
    return exc.code not in ("not_found", "forbidden", "unauthorized")


def join_url(request: HttpRequest, event: Event) -> str | None:
    """The link that students of the event open to join it (the participant pages' route),
    absolute so that it can be pasted into an e-mail; None while that page does not exist."""
    for name, kwargs in (("events:join_code", {"code": event.join_code}), ("events:join", {})):
        try:
            path = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        if not kwargs:
            path = f"{path}?code={event.join_code}"
        return request.build_absolute_uri(path)
    return None


def participants_of(event: Event) -> list[EventParticipant]:
    """Professionals first, then students, each by name."""
    return sorted(
        EventParticipant.objects.filter(event=event).select_related("user"),
        key=lambda p: (
            p.role != ParticipantRole.PROFESSIONAL,
            (p.user.display_name or p.user.username).casefold(),
        ),
    )


def people_to_add(*, event: Event, query: str) -> QuerySet[User]:
    """Active students and verified professionals whose name or username matches `query`,
    not yet in the event: whom the "add one" search offers."""
    taken = EventParticipant.objects.filter(event=event).values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role=Role.STUDENT) | Q(role=Role.PROFESSIONAL, verified=True))
        .filter(Q(username__icontains=query) | Q(display_name__icontains=query))
        .exclude(pk__in=taken)
        .order_by("display_name", "username")[:CANDIDATES_SHOWN]
    )
