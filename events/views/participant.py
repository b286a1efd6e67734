"""The participants' pages: the events index, the live event page, joining with a code, a
student's wishes and their feedback on each meeting.

The live page is server-rendered in its present state and then kept current by
events/static/events/js/event.js over the tab's socket (`event:<id>`, docs/protocol.md
"Events"). Access: an event is seen by its organiser and participants only (others get 404);
its organiser is sent to the dashboard, since they run the event rather than sit in it.
"""

from dataclasses import dataclass
from typing import Any

from csp.constants import SELF
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import request_user
from accounts.models import Role, User
from events.access import access_event, event_participant_of
from events.errors import EventError
from events.models import Event, EventMode, EventParticipant, EventStatus, ParticipantRole
from events.services.feedback import feedback_give
from events.services.setup import event_join_with_code, wishes_set
from events.views import participant_page as pages
from events.views.participant_forms import FeedbackForm, JoinForm, WishesForm
from gallery.models import Sector

# The session key that carries a feedback's contact outcome to the page after the redirect.
FEEDBACK_OUTCOME_KEY = "event-feedback-{event}-{round}"


def _url_or_none(name: str, *args: Any) -> str | None:
    # The organiser's pages are another module's: until a name resolves, no link is shown.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _participant_or_404(event: Event, user: User) -> EventParticipant:
    participant = event_participant_of(event=event, user=user)
    if participant is None:
        raise Http404
    return participant


def _student_of(event: Event, user: User) -> EventParticipant:
    """The student's participation; 404 for outsiders, 403 for other participants."""
    participant = _participant_or_404(event, user)
    if participant.role != ParticipantRole.STUDENT:
        raise EventError("forbidden", _("Only the event's students can do this."))
    return participant


@dataclass(frozen=True)
class OrganisedRow:
    """An event in the organiser's list, with the links to their pages for it."""

    event: Event
    manage: str | None
    dashboard: str | None
    summary: str | None


def _organised_rows(events: list[Event]) -> list[OrganisedRow]:
    return [
        OrganisedRow(
            event=event,
            manage=_url_or_none("events:manage", event.pk),
            dashboard=_url_or_none("events:dashboard", event.pk),
            summary=_url_or_none("events:summary", event.pk),
        )
        for event in events
    ]


@login_required
@require_GET
def event_index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    organiser = user.role == Role.ORGANISER
    groups = pages.organised_events(user=user) if organiser else pages.participant_events(user=user)
    context = {
        "groups": groups,
        "is_organiser": organiser,
        "is_student": user.role == Role.STUDENT,
        "takes_part": user.role in (Role.STUDENT, Role.PROFESSIONAL) or not groups.empty,
        "create_url": _url_or_none("events:create") if organiser else None,
        "organised": {
            "live": _organised_rows(groups.live),
            "upcoming": _organised_rows(groups.upcoming),
            "past": _organised_rows(groups.past),
        }
        if organiser
        else {},
    }
    return render(request, "events/index.html", context)


def _frame_self(response: HttpResponse) -> HttpResponse:
    # Online, the table's video room opens inside the page: this page may frame this site.
    # (django-csp reads the attribute the `csp_update` decorator would set.)
    response._csp_update = {"frame-src": [SELF]}  # type: ignore[attr-defined]  # django-csp's hook
    return response


@login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    user = request_user(request)
    event = access_event(user=user, event_id=event_id)
    if event.organiser_id == user.pk:
        return redirect(_url_or_none("events:dashboard", event.pk) or reverse("events:index"))
    participant = _participant_or_404(event, user)
    now = timezone.now()
    present = pages.live_present(event=event, participant=participant, now=now)
    is_student = participant.role == ParticipantRole.STUDENT
    sat = pages.rounds_sat(event=event, student=user) if is_student else []
    config = {
        **present,
        "topic": event.topic,
        "me": user.pk,
        "mode": event.mode,
        "rounds": event.rounds,
        "break_seconds": event.break_seconds,
        # The script swaps the 0 for the round or room at hand.
        "room_url": reverse("rooms:room", args=[0]) + "?embed=1",
        "feedback_url": reverse("events:feedback", args=[event.pk, 0]),
        "meetings": [
            {
                "round": item.round,
                "name": item.professional.display_name or item.professional.username,
                "rated": item.rated,
            }
            for item in sat
        ],
    }
    remaining = pages.remaining_seconds(event=event, now=now)
    pairing = present["pairing"]
    next_pairing = present["next"]
    context = {
        "event": event,
        "stage": pages.stage_of(present),
        "paused": event.status == EventStatus.PAUSED,
        "clock": pages.clock_text(remaining),
        "ends_at": event.phase_ends_at if event.status == EventStatus.LIVE else None,
        "state": present["state"],
        "pairing": pairing,
        "next": next_pairing,
        "room_id": pages.room_id_of(pairing),
        "is_student": is_student,
        "is_virtual": event.mode == EventMode.VIRTUAL,
        "wishes": pages.wishes_of(event=event, student=user) if is_student else [],
        "rounds_sat": sat,
        "just_held": next((item for item in sat if item.round == event.round), None),
        "config": config,
        "labels": pages.page_text(event=event, role=participant.role),
        "break_text": pages.duration_text(event.break_seconds),
        "round_text": pages.duration_text(event.round_seconds),
        "next_names": ", ".join(s["name"] for s in next_pairing["students"])
        if next_pairing
        else "",
        "feedback_form": FeedbackForm(auto_id="live-feedback-%s"),
    }
    response = render(request, "events/detail.html", context)
    return _frame_self(response) if event.mode == EventMode.VIRTUAL else response


@login_required
@require_http_methods(["GET", "POST"])
def event_join(request: HttpRequest, code: str = "") -> HttpResponse:
    """A student joins an event with its code: typed here, or brought by the link that carries
    it (prefilled, one tap to confirm: a link alone never joins anybody)."""
    user = request_user(request)
    may_join = user.role == Role.STUDENT
    form = JoinForm(request.POST if request.method == "POST" else None, initial={"code": code})
    status = 200
    if request.method == "POST" and may_join:
        if form.is_valid():
            try:
                participant = event_join_with_code(student=user, code=form.cleaned_data["code"])
            except EventError as exc:
                form.add_service_error(exc)
                status = 404 if exc.code == "not_found" else 409
            else:
                messages.success(request, _("You're in! Here is your event."))
                return redirect("events:detail", event_id=participant.event_id)
        else:
            status = 400
    elif request.method == "POST":
        status = 403
    return render(request, "events/join.html", {"form": form, "may_join": may_join}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def event_wishes(request: HttpRequest, event_id: int) -> HttpResponse:
    user = request_user(request)
    event = access_event(user=user, event_id=event_id)
    _student_of(event, user)
    sectors = sorted(Sector.objects.all(), key=lambda sector: sector.label.casefold())
    current = pages.wishes_of(event=event, student=user)
    initial = {f"rank_{wish.rank}": wish.sector_id for wish in current}
    is_open = event.status == EventStatus.DRAFT
    data = request.POST if request.method == "POST" else None
    form = WishesForm(data, initial=initial, sectors=sectors)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                wishes_set(student=user, event_id=event.pk, sector_ids=form.sector_ids)
            except EventError as exc:
                form.add_service_error(exc)
                status = 409 if exc.code == "conflict" else 400
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect("events:detail", event_id=event.pk)
    context = {"event": event, "form": form, "is_open": is_open, "wishes": current}
    return render(request, "events/wishes.html", context, status=status)


def _outcome_text(outcome: str | None, message: str, name: str) -> str:
    if outcome == "requested":
        return _(
            "Your contact request was sent to %(name)s. Their answer will appear in your chats."
        ) % {"name": name}
    if outcome == "already":
        return _("You're already in contact with %(name)s, or your request is waiting.") % {
            "name": name
        }
    if outcome == "refused":
        return _("The contact request could not be sent: %(reason)s") % {"reason": message}
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def event_feedback(request: HttpRequest, event_id: int, round_number: int) -> HttpResponse:
    """A student rates a meeting they sat (once), with a word and, if they like, a contact
    request to that professional. A round they did not sit, or not begun yet, is a 404."""
    user = request_user(request)
    event = access_event(user=user, event_id=event_id)
    _student_of(event, user)
    held = next(
        (
            item
            for item in pages.rounds_sat(event=event, student=user)
            if item.round == round_number
        ),
        None,
    )
    if held is None:
        raise Http404
    name = held.professional.display_name or held.professional.username
    key = FEEDBACK_OUTCOME_KEY.format(event=event.pk, round=round_number)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and not held.rated:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = feedback_give(
                    student=user,
                    event_id=event.pk,
                    round=round_number,
                    rating=data["rating"],
                    comment=data["comment"],
                    contact=data["contact"],
                )
            except EventError as exc:
                if exc.code != "conflict":
                    form.add_service_error(exc)
                status = 409 if exc.code == "conflict" else 400
            else:
                request.session[key] = [result.contact, result.contact_message]
                return redirect("events:feedback", event_id=event.pk, round_number=round_number)
    elif request.method == "POST":
        status = 409  # rated already: the page says so
    outcome, reason = request.session.pop(key, [None, ""]) if held.rated else (None, "")
    context = {
        "event": event,
        "round": round_number,
        "professional": held.professional,
        "name": name,
        "rated": held.rated or status == 409,
        "form": form,
        "contact_text": _outcome_text(outcome, reason, name),
        "contact_sent": outcome == "requested",
    }
    return render(request, "events/feedback.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("events/", event_index, name="index"),
    path("events/join/", event_join, name="join"),
    path("events/join/<str:code>/", event_join, name="join_code"),
    path("events/<int:event_id>/", event_detail, name="detail"),
    path("events/<int:event_id>/wishes/", event_wishes, name="wishes"),
    path("events/<int:event_id>/feedback/<int:round_number>/", event_feedback, name="feedback"),
]
