"""Pages of notifications: the list (/notifications/), opening one, the e-mail and Web Push
settings (/settings/notifications/), the service worker at the site root, and the agenda at
the top of a professional's home."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.notifications.emails import email_off_kinds, email_preferences_set
from accounts.notifications.models import Notification, NotificationKind
from accounts.notifications.service import notifications_mark_read
from accounts.notifications.texts import notification_text, notification_url
from accounts.notifications.webpush import webpush_enabled, webpush_public_key
from chat.models import ContactStatus
from chat.selectors import contact_request_list
from scheduling.models import BookingStatus
from scheduling.selectors import booking_list

PAGE_SIZE = 20
AGENDA_SIZE = 5
SERVICE_WORKER = Path(__file__).parent / "static" / "frontend" / "js" / "sw.js"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required guarantees it)
    return user


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; POST marks them all read."""
    user = _user(request)
    if request.method == "POST":
        notifications_mark_read(user_id=user.pk, everything=True)
        return redirect("frontend:notifications")
    rows = Notification.objects.filter(user=user).order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {"note": note, "text": notification_text(note), "url": notification_url(note)}
        for note in page.object_list
    ]
    return render(request, "frontend/notifications.html", {"page": page, "items": items})


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to what it is about (the list when nothing)."""
    user = _user(request)
    note = Notification.objects.filter(pk=notification_id, user=user).first()
    if note is None:
        raise Http404(_("No such notification."))
    notifications_mark_read(user_id=user.pk, ids=[note.pk])
    return HttpResponseRedirect(notification_url(note) or "/notifications/")


@login_required
@require_http_methods(["GET", "POST"])
def settings_notifications(request: HttpRequest) -> HttpResponse:
    """Which kinds come by e-mail; Web Push on this device (frontend/js/notifications.js)."""
    user = _user(request)
    if request.method == "POST":
        chosen = [kind for kind in request.POST.getlist("email") if kind in NotificationKind.values]
        email_preferences_set(user=user, email_on=chosen)
        return redirect("frontend:settings_notifications")
    off = set(email_off_kinds(user_id=user.pk))
    kinds = [
        {"value": value, "label": label, "on": value not in off}
        for value, label in NotificationKind.choices
    ]
    context: dict[str, Any] = {
        "kinds": kinds,
        "webpush_enabled": webpush_enabled(),
        "webpush_public_key": webpush_public_key(),
    }
    return render(request, "frontend/settings_notifications.html", context)


@require_GET
@cache_control(max_age=0, no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The Web Push service worker, served at the root so that its scope is the whole site."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


def professional_agenda(*, user: User) -> dict[str, Any]:
    """The top of a professional's home: pending contact requests, upcoming meetings."""
    pending = contact_request_list(user=user, status=ContactStatus.PENDING).filter(
        professional=user
    )
    now = timezone.now()
    upcoming = booking_list(user=user, upcoming=True, now=now).filter(
        status=BookingStatus.CONFIRMED, starts_at__lt=now + dt.timedelta(days=14)
    )
    return {
        "agenda_requests": list(pending[:AGENDA_SIZE]),
        "agenda_requests_more": max(pending.count() - AGENDA_SIZE, 0),
        "agenda_bookings": list(upcoming[:AGENDA_SIZE]),
    }
