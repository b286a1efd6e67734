"""The professional's pages: the availability editor (booking rules, windows, days off) and
its calendar of slots with who booked them and their notes."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import request_user, require_professional
from accounts.models import User
from core.errors import ServiceError
from scheduling import selectors, services
from scheduling.errors import NotFound, SchedulingError
from scheduling.forms import BlockedDateForm, BookingRulesForm, OneOffWindowForm, WeeklyWindowForm
from scheduling.models import WindowKind
from scheduling.views.common import CALENDAR_DAYS, by_local_day, user_zone


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
    zone = user_zone(user)
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
        "calendar_days": by_local_day(slots, zone),
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
        today = timezone.now().astimezone(user_zone(user)).date()
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
