"""Pages both sides of a booking use: my meetings (the professional's agenda, with the
students' notes), one booking, cancel, reschedule (the student), the private calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import request_user
from accounts.models import Role, User
from scheduling import selectors, services
from scheduling.access import access_booking
from scheduling.errors import NotFound, SchedulingError
from scheduling.forms import CancelForm
from scheduling.ics import bookings_calendar
from scheduling.models import Booking
from scheduling.services.feed import calendar_feed_user
from scheduling.views.common import meeting_of, offered_slot, slot_page


@login_required
@require_GET
def my_meetings(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    now = timezone.now()
    upcoming = [
        meeting_of(b, user, now)
        for b in selectors.booking_list(user=user, upcoming=True, now=now)[:100]
    ]
    past = [
        meeting_of(b, user, now)
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
        "meeting": meeting_of(booking, user, timezone.now()),
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
    context = {"meeting": meeting_of(booking, user, timezone.now()), "form": form}
    return render(request, "scheduling/booking_cancel.html", context, status=status)


@login_required
@require_GET
def booking_reschedule(request: HttpRequest, booking_id: int) -> HttpResponse:
    user = request_user(request)
    booking = _booking_or_404(user, booking_id)
    meeting = meeting_of(booking, user, timezone.now())
    if not meeting.can_reschedule:
        raise Http404
    page = slot_page(request, booking.professional, user)
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
    meeting = meeting_of(booking, user, timezone.now())
    if not meeting.can_reschedule:
        raise Http404
    slot = offered_slot(slot_id)
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
