"""The organiser's pages during and after the event: the live dashboard (the clock, every table
of the round, the controls, announcements) and the one-page summary.

Each control is a form POST that works without JavaScript (POST-redirect-GET);
organiser-dashboard.js keeps the page live: it joins `event:<id>` for the clock's pushes and
reloads the tables (`dashboard_tables`, the same template part) on each push and every 5 s."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from events import reports, selectors
from events.errors import EventError
from events.forms import AnnounceForm, ExtendForm
from events.models import Event, EventMode, EventParticipant, EventStatus, Phase
from events.payloads import event_state
from events.services import clock
from events.views.organiser_common import organiser_event, shown_on_page, user_zone

# Extensions offered as buttons; the form accepts any 1..MAX_EXTEND_SECONDS.
EXTEND_CHOICES = (60, 300)

CONTROLS: dict[str, Any] = {
    "start": clock.event_start,
    "pause": clock.event_pause,
    "resume": clock.event_resume,
    "next": clock.event_next,
    "end": clock.event_end,
}


def _remaining_seconds(event: Event) -> int | None:
    if event.status == EventStatus.PAUSED and event.paused_remaining is not None:
        return max(0, round(event.paused_remaining))
    if event.phase_ends_at is not None:
        return max(0, round((event.phase_ends_at - timezone.now()).total_seconds()))
    return None


def countdown_text(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:02d}:{rest:02d}"


def clock_text(event: Event, remaining: int | None) -> dict[str, str]:
    """The clock's words as the page first shows them (organiser-dashboard.js says the same
    from the data-label-* texts afterwards): the phase, the countdown, when the phase ends."""
    values = {"round": event.round, "rounds": event.rounds}
    phase = ""
    if event.status in (EventStatus.LIVE, EventStatus.PAUSED):
        if event.phase == Phase.BREAK:
            phase = _("Break after round %(round)s of %(rounds)s") % values
        else:
            phase = _("Round %(round)s of %(rounds)s: meeting") % values
    ends = ""
    if event.status == EventStatus.PAUSED and remaining is not None:
        ends = _("Paused with %(time)s left.") % {"time": countdown_text(remaining)}
    elif event.status == EventStatus.LIVE and event.phase_ends_at is not None:
        local = timezone.localtime(event.phase_ends_at)
        ends = _("This phase ends at %(time)s.") % {"time": local.strftime("%H:%M:%S")}
    elif event.status == EventStatus.DRAFT:
        ends = _("Check people in, then start: round 1 begins at once.")
    return {
        "phase": phase,
        "countdown": countdown_text(remaining) if remaining is not None else "",
        "ends": ends,
    }


def _presence(person: dict[str, Any], *, online: bool) -> str:
    """ "in", "away" (checked in, not in the table's room yet) or "missing" (not checked in)."""
    if not person["checked_in"]:
        return "missing"
    if online and not person["in_room"]:
        return "away"
    return "in"


def dashboard_view(event: Event, now: dt.datetime) -> dict[str, Any]:
    """`live_tables` (what GET /api/events/<id>/live/ answers too) with what the page shows
    besides: each person's presence in a word, each table's room id and missing count, and
    the checked-in count."""
    live = selectors.live_tables(event, now)
    online = live["mode"] == EventMode.VIRTUAL
    for table in live["tables"]:
        room = table["room"]
        table["room_id"] = int(room.split(":", 1)[1]) if room else None
        members = [table["professional"], *table["students"]]
        for person in members:
            person["presence"] = _presence(person, online=online)
        table["missing_count"] = sum(person["presence"] != "in" for person in members)
    total = EventParticipant.objects.filter(event=event).count()
    live["online"] = online
    live["participant_count"] = total
    live["checked_in_count"] = total - len(live["not_checked_in"])
    return live


def _dashboard_context(event: Event) -> dict[str, Any]:
    now = timezone.now()
    remaining = _remaining_seconds(event)
    return {
        "event": event,
        "state": event_state(event, now),
        "remaining": remaining,
        "remaining_attr": "" if remaining is None else remaining,
        "clock": clock_text(event, remaining),
        "view": dashboard_view(event, now),
    }


def _dashboard_page(
    request: HttpRequest, user: User, event: Event, *, status: int = 200, **forms: Any
) -> HttpResponse:
    with timezone.override(user_zone(user)):
        context = {
            **_dashboard_context(event),
            "announce_form": forms.get("announce_form") or AnnounceForm(),
            "extend_choices": EXTEND_CHOICES,
        }
        return render(request, "events/organiser/dashboard.html", context, status=status)


@login_required
@require_GET
def event_dashboard(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    return _dashboard_page(request, user, event)


@login_required
@require_GET
def dashboard_tables(request: HttpRequest, event_id: int) -> HttpResponse:
    """The dashboard's live part alone (the state and the tables), for the script to swap in."""
    user, event = organiser_event(request, event_id)
    with timezone.override(user_zone(user)):
        context = _dashboard_context(event)
        response = render(request, "events/organiser/includes/live_tables.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _back_to_dashboard(event: Event) -> HttpResponse:
    return redirect("events:dashboard", event_id=event.pk)


@login_required
@require_POST
def event_control(request: HttpRequest, event_id: int, action: str) -> HttpResponse:
    """Start, pause, resume, next (end the current phase now) or end the event."""
    control = CONTROLS.get(action)
    if control is None:
        raise Http404
    user, event = organiser_event(request, event_id)
    try:
        control(organiser=user, event_id=event.pk)
    except EventError as exc:
        if not shown_on_page(exc):
            raise
        messages.error(request, exc.message)
    else:
        done = {
            "start": _("The event has started: round 1 is on."),
            "pause": _("The event is paused."),
            "resume": _("The event goes on."),
            "next": _("Phase ended: the event moved on."),
            "end": _("The event has ended."),
        }
        messages.success(request, done[action])
    if action == "end":
        return redirect("events:summary", event_id=event.pk)
    return _back_to_dashboard(event)


@login_required
@require_POST
def event_extend(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Add between 1 second and 10 minutes."))
        return _back_to_dashboard(event)
    seconds = form.cleaned_data["seconds"]
    try:
        clock.event_extend(organiser=user, event_id=event.pk, seconds=seconds)
    except EventError as exc:
        if not shown_on_page(exc):
            raise
        messages.error(request, exc.message)
    else:
        minutes, rest = divmod(seconds, 60)
        if rest == 0:
            text = _("%(minutes)d min added to this phase.") % {"minutes": minutes}
        else:
            text = _("%(seconds)d s added to this phase.") % {"seconds": seconds}
        messages.success(request, text)
    return _back_to_dashboard(event)


@login_required
@require_POST
def event_announce(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    form = AnnounceForm(request.POST)
    if form.is_valid():
        try:
            clock.event_announce(organiser=user, event_id=event.pk, text=form.cleaned_data["text"])
        except EventError as exc:
            if not shown_on_page(exc):
                raise
            form.add_service_error(exc)
        else:
            messages.success(request, _("Announcement sent to every participant."))
            return _back_to_dashboard(event)
    return _dashboard_page(request, user, event, status=400, announce_form=form)


@login_required
@require_GET
def event_summary(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    context = {"event": event, "summary": reports.event_summary(event)}
    with timezone.override(user_zone(user)):
        return render(request, "events/organiser/summary.html", context)
