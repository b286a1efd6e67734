"""Room pages: the list (live now, upcoming), the "new room" form and the room itself.

The room page is a shell: rooms/static/rooms/room.js joins `room:<id>` over the tab's socket
and the server decides everything from there (docs/rooms.md). These views only check that the
user may see the room, and say so plainly when it has ended or is not open yet.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from csp.constants import SELF
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import request_user
from accounts.models import Role, User
from rooms import selectors, services
from rooms.access import EARLY_ENTRY, access_room
from rooms.errors import RoomError
from rooms.forms import RoomForm
from rooms.models import Room, RoomStatus
from rooms.page_text import room_page_text


def _zone(user: User) -> ZoneInfo:
    return ZoneInfo(user.time_zone)


def _may_host(user: User) -> bool:
    return user.is_active and user.role == Role.PROFESSIONAL and user.verified


@dataclass(frozen=True)
class InvitePanel:
    candidates: list[User]
    invited: list[User]


@dataclass(frozen=True)
class RoomCard:
    room: Room
    opens_at: dt.datetime
    is_open: bool
    is_host: bool
    is_invited: bool


def _cards(rooms: list[Room], *, user: User, now: dt.datetime) -> list[RoomCard]:
    invited = selectors.rooms_invited_among(user=user, room_ids=[room.pk for room in rooms])
    return [
        RoomCard(
            room=room,
            opens_at=room.starts_at - EARLY_ENTRY,
            is_open=room.status == RoomStatus.LIVE or now >= room.starts_at - EARLY_ENTRY,
            is_host=room.host_id == user.pk,
            is_invited=room.pk in invited,
        )
        for room in rooms
    ]


@login_required
@require_GET
def room_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    now = timezone.now()
    context = {
        "live": _cards(list(selectors.room_list(user=user, status="live")), user=user, now=now),
        "upcoming": _cards(
            list(selectors.room_list(user=user, status="upcoming")), user=user, now=now
        ),
        "may_host": _may_host(user),
        "is_professional": user.role == Role.PROFESSIONAL,
    }
    with timezone.override(_zone(user)):
        return render(request, "rooms/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def room_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if user.role != Role.PROFESSIONAL:
        raise PermissionDenied
    if not _may_host(user):
        return render(request, "rooms/not_verified.html", status=403)
    # The form reads and shows times in the user's zone; the service gets aware datetimes.
    with timezone.override(_zone(user)):
        form = RoomForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                room = services.room_create(
                    host=user,
                    title=data["title"],
                    description=data["description"],
                    starts_at=form.starts_at_value,
                    capacity=data["capacity"],
                    visibility=data["visibility"],
                    lobby=data["lobby"],
                )
            except RoomError as exc:
                form.add_service_error(exc)
            else:
                return redirect("rooms:room", room_id=room.pk)
        status = 400 if form.is_bound else 200
        return render(request, "rooms/new.html", {"form": form}, status=status)


@login_required
@require_GET
def room_page(request: HttpRequest, room_id: int) -> HttpResponse:
    user = request_user(request)
    try:
        room = access_room(user=user, room_id=room_id)
    except RoomError:
        # Invite-only rooms of others look like missing ones: ids cannot be probed.
        raise Http404 from None
    opens_at = room.starts_at - EARLY_ENTRY
    if room.status == RoomStatus.ENDED:
        state = "ended"
    elif room.status == RoomStatus.SCHEDULED and timezone.now() < opens_at:
        state = "not_open"
    else:
        state = "open"
    is_host = room.host_id == user.pk
    context = {
        "room": room,
        "state": state,
        "opens_at": opens_at,
        "is_host": is_host,
        "room_text": room_page_text(),
        # The host invites from the page until the room ends, also before it opens.
        "invite": (
            InvitePanel(
                candidates=selectors.room_invite_candidates(room=room),
                invited=selectors.room_invited(room=room),
            )
            if is_host and state != "ended"
            else None
        ),
    }
    # `?embed=1`: the room inside another page of this site (an online speed-meeting round),
    # without the site's header and footer; only then may a page of this origin frame it.
    embed = request.GET.get("embed") == "1"
    context["embed"] = embed
    with timezone.override(_zone(user)):
        response = render(request, "rooms/room.html", context)
    if embed:
        response["X-Frame-Options"] = "SAMEORIGIN"
        response._csp_replace = {"frame-ancestors": [SELF]}  # type: ignore[attr-defined]  # django-csp's hook
    return response
