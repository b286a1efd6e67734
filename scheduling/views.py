"""Server-rendered scheduling pages: availability editor, a professional's slots, booking,
my meetings, cancel and reschedule, and the private calendar feed."""

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import request_user, require_professional
from accounts.models import Role, User
from core.errors import ServiceError
from gallery.models import WitnessProfile
from scheduling import selectors, services
from scheduling.access import access_booking
from scheduling.errors import NotFound, SchedulingError
from scheduling.forms import (
    BlockedDateForm,
    BookingRulesForm,
    CancelForm,
    OneOffWindowForm,
    WeeklyWindowForm,
)
from scheduling.ics import bookings_calendar
from scheduling.meeting_rooms import meeting_room_url
from scheduling.models import (
    MAX_HORIZON_DAYS,
    Booking,
    BookingStatus,
    Mode,
    Slot,
    SlotStatus,
    WindowKind,
)
from scheduling.services.feed import calendar_feed_user

CALENDAR_DAYS = 28
PAGE_DAYS = 14


def _zone(user: User) -> ZoneInfo:
    return ZoneInfo(user.time_zone)


@dataclass
class Day:
    date: dt.date
    items: list[Any]


def _by_local_day(items: list[Any], zone: ZoneInfo) -> list[Day]:
    def day_of(item: Any) -> dt.date:
        value: dt.datetime = item.starts_at
        return value.astimezone(zone).date()

    return [Day(date, list(group)) for date, group in groupby(items, key=day_of)]


@dataclass
class Meeting:
    """A booking as one side sees it on a page."""

    booking: Booking
    other: User
    room_url: str | None
    can_cancel: bool
    can_reschedule: bool

    @property
    def is_virtual(self) -> bool:
        return self.booking.slot.mode == Mode.VIRTUAL


def _meeting(booking: Booking, user: User, now: dt.datetime) -> Meeting:
    is_student = booking.student_id == user.pk
    upcoming = booking.status == BookingStatus.CONFIRMED and booking.starts_at > now
    return Meeting(
        booking=booking,
        other=booking.professional if is_student else booking.student,
        room_url=meeting_room_url(slot=booking.slot, user=user),
        can_cancel=upcoming,
        can_reschedule=upcoming and is_student,
    )


# --- Professional: availability -----------------------------------------------------------


def _professional_only(user: User) -> None:
    """A professional's page does not exist for others: 404 (the API answers 403)."""
    try:
        require_professional(user)
    except ServiceError as exc:
        raise Http404 from exc


def _availability_page(
    request: HttpRequest, user: User, *, status: int = 200, **forms: Any
) -> HttpResponse:
    now = timezone.now()
    zone = _zone(user)
    rules = selectors.booking_rules_of(professional=user)
    slots = list(
        selectors.slot_calendar(
            professional=user, start=now, end=now + dt.timedelta(days=CALENDAR_DAYS)
        )
    )
    context = {
        "rules_form": forms.get("rules_form")
        or BookingRulesForm(
            initial={
                "min_notice_hours": rules.min_notice_minutes // 60,
                "horizon_days": rules.horizon_days,
            }
        ),
        "weekly_form": forms.get("weekly_form") or WeeklyWindowForm(prefix="weekly"),
        "once_form": forms.get("once_form") or OneOffWindowForm(prefix="once"),
        "blocked_form": forms.get("blocked_form") or BlockedDateForm(prefix="blocked"),
        "windows": selectors.windows_of(professional=user),
        "blocked_dates": selectors.blocked_dates_of(
            professional=user, today=now.astimezone(zone).date()
        ),
        "calendar_days": _by_local_day(slots, zone),
        "calendar_length": CALENDAR_DAYS,
        "time_zone": user.time_zone,
        "open_form": forms.get("open_form", ""),
    }
    return render(request, "scheduling/availability.html", context, status=status)


@login_required
@require_GET
def availability(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _professional_only(user)
    return _availability_page(request, user)


@login_required
@require_POST
def availability_rules(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _professional_only(user)
    form = BookingRulesForm(request.POST)
    if form.is_valid():
        try:
            services.booking_rules_set(
                professional=user,
                min_notice_minutes=form.cleaned_data["min_notice_hours"] * 60,
                horizon_days=form.cleaned_data["horizon_days"],
            )
        except SchedulingError as exc:
            form.add_service_error(exc, field_map={"min_notice_minutes": "min_notice_hours"})
        else:
            messages.success(request, _("Your booking rules are saved."))
            return redirect("scheduling:availability")
    return _availability_page(request, user, status=400, rules_form=form)


@login_required
@require_POST
def window_add(request: HttpRequest, kind: str) -> HttpResponse:
    user = request_user(request)
    _professional_only(user)
    if kind not in WindowKind.values:
        raise Http404
    weekly = kind == WindowKind.WEEKLY
    form: WeeklyWindowForm | OneOffWindowForm = (
        WeeklyWindowForm(request.POST, prefix="weekly")
        if weekly
        else OneOffWindowForm(request.POST, prefix="once")
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        today = timezone.now().astimezone(_zone(user)).date()
        if weekly:
            data["start_date"] = data.get("start_date") or today
        else:
            data["start_date"] = data.pop("date")
        try:
            services.availability_window_add(professional=user, kind=kind, **data)
        except SchedulingError as exc:
            form.add_service_error(exc, field_map={"date": "date" if not weekly else "start_date"})
        else:
            messages.success(request, _("Your window is open: students can book its slots."))
            return redirect("scheduling:availability")
    key = "weekly_form" if weekly else "once_form"
    return _availability_page(
        request, user, status=400, open_form="weekly" if weekly else "once", **{key: form}
    )


@login_required
@require_POST
def window_remove(request: HttpRequest, window_id: int) -> HttpResponse:
    user = request_user(request)
    _professional_only(user)
    try:
        kept = services.availability_window_remove(professional=user, window_id=window_id)
    except NotFound as exc:
        raise Http404 from exc
    if kept:
        messages.warning(
            request,
            _(
                "Window removed. %(count)d booked slot(s) stay in your calendar: cancel them "
                "if you cannot make it."
            )
            % {"count": kept},
        )
    else:
        messages.success(request, _("Window removed."))
    return redirect("scheduling:availability")


@login_required
@require_POST
def blocked_add(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _professional_only(user)
    form = BlockedDateForm(request.POST, prefix="blocked")
    if form.is_valid():
        try:
            services.blocked_date_add(professional=user, **form.cleaned_data)
        except SchedulingError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Day blocked: no new bookings that day."))
            return redirect("scheduling:availability")
    return _availability_page(request, user, status=400, blocked_form=form)


@login_required
@require_POST
def blocked_remove(request: HttpRequest, blocked_id: int) -> HttpResponse:
    user = request_user(request)
    _professional_only(user)
    try:
        services.blocked_date_remove(professional=user, blocked_id=blocked_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Day unblocked."))
    return redirect("scheduling:availability")


# --- Student: a professional's slots, booking ------------------------------------------------


@dataclass
class SlotPage:
    """Free slots of a professional, PAGE_DAYS local days at a time."""

    days: list[Day]
    count: int
    first_day: dt.date
    last_day: dt.date
    earlier: dt.date | None
    later: dt.date | None


def _slot_page(request: HttpRequest, professional: User, viewer: User) -> SlotPage:
    now = timezone.now()
    zone = _zone(viewer)
    today = now.astimezone(zone).date()
    try:
        first_day = max(dt.date.fromisoformat(request.GET.get("from", "")), today)
    except ValueError:
        first_day = today
    first_day = min(first_day, today + dt.timedelta(days=MAX_HORIZON_DAYS))
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
    end = start + dt.timedelta(days=PAGE_DAYS)
    slots = list(
        selectors.slot_list_bookable(professional=professional, start=start, end=end, now=now)
    )
    later = selectors.slot_list_bookable(
        professional=professional, start=end, end=now + dt.timedelta(days=MAX_HORIZON_DAYS), now=now
    ).first()
    earlier = first_day - dt.timedelta(days=PAGE_DAYS) if first_day > today else None
    return SlotPage(
        days=_by_local_day(slots, zone),
        count=len(slots),
        first_day=first_day,
        last_day=first_day + dt.timedelta(days=PAGE_DAYS - 1),
        earlier=max(earlier, today) if earlier else None,
        later=later.starts_at.astimezone(zone).date() if later else None,
    )


def _professional_or_404(professional_id: int) -> User:
    professional = selectors.bookable_professional(professional_id=professional_id)
    if professional is None:
        raise Http404
    return professional


def _job_title(professional: User) -> str:
    profile = WitnessProfile.objects.filter(user=professional).only("job_title").first()
    return profile.job_title if profile else ""


@login_required
@require_GET
def professional_slots(request: HttpRequest, professional_id: int) -> HttpResponse:
    user = request_user(request)
    professional = _professional_or_404(professional_id)
    page = _slot_page(request, professional, user)
    rules = selectors.booking_rules_of(professional=professional)
    context = {
        "professional": professional,
        "job_title": _job_title(professional),
        "page": page,
        "days": page.days,
        "can_book": user.role == Role.STUDENT,
        "time_zone": user.time_zone,
        "other_zone": professional.time_zone if professional.time_zone != user.time_zone else "",
        "rules": rules,
        "notice_hours": rules.min_notice_minutes // 60,
    }
    return render(request, "scheduling/professional_slots.html", context)


def _offered_slot(slot_id: int) -> Slot:
    slot = (
        Slot.objects.select_related("professional")
        .filter(pk=slot_id, status=SlotStatus.OPEN)
        .first()
    )
    if (
        slot is None
        or selectors.bookable_professional(professional_id=slot.professional_id) is None
    ):
        raise Http404
    return slot


@login_required
def book(request: HttpRequest, slot_id: int) -> HttpResponse:
    """Click 1 shows this confirmation; click 2 (POST) books."""
    user = request_user(request)
    slot = _offered_slot(slot_id)
    back = reverse("scheduling:professional_slots", args=[slot.professional_id])
    if request.method == "POST":
        try:
            booking = services.booking_create(student=user, slot_id=slot.pk)
        except SchedulingError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        messages.success(request, _("Booked! You will find it in My meetings."))
        return redirect("scheduling:booking_detail", booking_id=booking.pk)
    context = {
        "slot": slot,
        "professional": slot.professional,
        "job_title": _job_title(slot.professional),
        "back": back,
        "can_book": user.role == Role.STUDENT,
    }
    return render(request, "scheduling/book_confirm.html", context)


# --- Both: my meetings, a booking, cancel, reschedule ----------------------------------------


@login_required
@require_GET
def my_meetings(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    now = timezone.now()
    upcoming = [
        _meeting(b, user, now)
        for b in selectors.booking_list(user=user, upcoming=True, now=now)[:100]
    ]
    past = [
        _meeting(b, user, now)
        for b in selectors.booking_list(user=user, upcoming=False, now=now)[:20]
    ]
    feed = selectors.calendar_feed_of(user=user)
    context = {
        "upcoming": upcoming,
        "past": past,
        "feed_url": request.build_absolute_uri(
            reverse("scheduling:calendar_feed", args=[feed.token])
        )
        if feed
        else "",
        "is_professional": user.role == Role.PROFESSIONAL,
        "time_zone": user.time_zone,
    }
    return render(request, "scheduling/my_meetings.html", context)


def _booking_or_404(user: User, booking_id: int) -> Booking:
    try:
        return access_booking(user=user, booking_id=booking_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_GET
def booking_detail(request: HttpRequest, booking_id: int) -> HttpResponse:
    user = request_user(request)
    booking = _booking_or_404(user, booking_id)
    context = {
        "meeting": _meeting(booking, user, timezone.now()),
        "time_zone": user.time_zone,
    }
    return render(request, "scheduling/booking_detail.html", context)


@login_required
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    user = request_user(request)
    booking = _booking_or_404(user, booking_id)
    form = CancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.booking_cancel(
                    user=user, booking_id=booking.pk, reason=form.cleaned_data["reason"]
                )
            except SchedulingError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("The meeting is cancelled. We told the other person."))
                return redirect("scheduling:my_meetings")
        status = 400
    context = {"meeting": _meeting(booking, user, timezone.now()), "form": form}
    return render(request, "scheduling/booking_cancel.html", context, status=status)


@login_required
@require_GET
def booking_reschedule(request: HttpRequest, booking_id: int) -> HttpResponse:
    user = request_user(request)
    booking = _booking_or_404(user, booking_id)
    meeting = _meeting(booking, user, timezone.now())
    if not meeting.can_reschedule:
        raise Http404
    page = _slot_page(request, booking.professional, user)
    for day in page.days:
        day.items = [slot for slot in day.items if slot.pk != booking.slot_id]
    page.days = [day for day in page.days if day.items]
    page.count = sum(len(day.items) for day in page.days)
    context = {
        "meeting": meeting,
        "page": page,
        "days": page.days,
        "time_zone": user.time_zone,
    }
    return render(request, "scheduling/booking_reschedule.html", context)


@login_required
def booking_reschedule_confirm(request: HttpRequest, booking_id: int, slot_id: int) -> HttpResponse:
    user = request_user(request)
    booking = _booking_or_404(user, booking_id)
    meeting = _meeting(booking, user, timezone.now())
    if not meeting.can_reschedule:
        raise Http404
    slot = _offered_slot(slot_id)
    if request.method == "POST":
        try:
            services.booking_reschedule(student=user, booking_id=booking.pk, slot_id=slot.pk)
        except SchedulingError as exc:
            messages.error(request, exc.message)
            return redirect("scheduling:booking_reschedule", booking_id=booking.pk)
        messages.success(request, _("Your meeting is moved. We told the professional."))
        return redirect("scheduling:booking_detail", booking_id=booking.pk)
    context = {"meeting": meeting, "slot": slot}
    return render(request, "scheduling/reschedule_confirm.html", context)


# --- Calendar feed ---------------------------------------------------------------------------


@login_required
@require_POST
def feed_rotate(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_rotate(user=request_user(request))
    messages.success(request, _("Your private calendar link is ready. Keep it to yourself."))
    return redirect(reverse("scheduling:my_meetings") + "#calendar-feed")


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_revoke(user=request_user(request))
    messages.success(request, _("Your calendar link no longer works."))
    return redirect(reverse("scheduling:my_meetings") + "#calendar-feed")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: no login, the secret token in the URL is the credential."""
    user = calendar_feed_user(token=token)
    if user is None:
        raise Http404
    bookings = selectors.feed_bookings(user=user, now=timezone.now())
    body = bookings_calendar(bookings=bookings, viewer=user, method="PUBLISH", name="Backstage")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
