"""The organiser's pages before and around the event: create it, edit it while it is a draft,
its participants (one by one from a search, a CSV file, the join link and code), who must not
meet whom, and the check-in list of the day.

Server-rendered forms, POST-redirect-GET; the services (events.services.setup) enforce every
rule, and their refusal is shown on the form (or as a message above the page)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import request_user
from accounts.models import User
from events.access import require_organiser_role
from events.errors import EventError
from events.forms import (
    EventForm,
    ForbiddenPairForm,
    ParticipantAddForm,
    ParticipantImportForm,
    ParticipantSearchForm,
)
from events.models import Event, EventStatus, ForbiddenPair, ParticipantRole
from events.services import setup
from events.views.organiser_common import (
    join_url,
    organiser_event,
    participants_of,
    people_to_add,
    shown_on_page,
    user_zone,
)

# The last import's report, shown once on the page the upload redirects to.
IMPORT_REPORT_KEY = "events_import_report"


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_organiser_role(user)
    zone = user_zone(user)
    # The form reads and shows times in the organiser's zone; the service gets aware datetimes.
    with timezone.override(zone):
        form = EventForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                event = setup.event_create(
                    organiser=user, **form.service_values(starts_at=form.cleaned_data["starts_at"])
                )
            except EventError as exc:
                if not shown_on_page(exc):
                    raise
                form.add_service_error(exc)
            else:
                messages.success(
                    request, _("Event created. Now add its participants, or share the join link.")
                )
                return redirect("events:manage", event_id=event.pk)
        status = 400 if form.is_bound else 200
        return render(request, "events/organiser/new.html", {"form": form}, status=status)


def _forbidden_form(event: Event, data: Any = None) -> ForbiddenPairForm:
    people = participants_of(event)

    def named(role: str) -> list[tuple[int, str]]:
        return [
            (p.user_id, p.user.display_name or p.user.username) for p in people if p.role == role
        ]

    return ForbiddenPairForm(
        data,
        professionals=named(ParticipantRole.PROFESSIONAL),
        students=named(ParticipantRole.STUDENT),
        prefix="forbidden",
    )


def _manage_page(
    request: HttpRequest, user: User, event: Event, *, status: int = 200, **forms: Any
) -> HttpResponse:
    zone = user_zone(user)
    search = ParticipantSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    participants = participants_of(event)
    with timezone.override(zone):
        edit_form = forms.get("edit_form") or EventForm(initial=EventForm.initial_of(event, zone))
        context = {
            "event": event,
            "is_draft": event.status == EventStatus.DRAFT,
            "edit_form": edit_form,
            "search_form": search,
            "query": query,
            "candidates": list(people_to_add(event=event, query=query)) if query else [],
            "add_form": forms.get("add_form"),
            "import_form": forms.get("import_form") or ParticipantImportForm(),
            "import_report": request.session.pop(f"{IMPORT_REPORT_KEY}_{event.pk}", None),
            "forbidden_form": forms.get("forbidden_form") or _forbidden_form(event),
            "forbidden_pairs": list(
                ForbiddenPair.objects.filter(event=event)
                .select_related("professional", "student")
                .order_by("pk")
            ),
            "professionals": [p for p in participants if p.role == ParticipantRole.PROFESSIONAL],
            "students": [p for p in participants if p.role == ParticipantRole.STUDENT],
            "join_url": join_url(request, event),
            "open_form": forms.get("open_form", ""),
        }
        return render(request, "events/organiser/manage.html", context, status=status)


@login_required
@require_GET
def event_manage(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    return _manage_page(request, user, event)


@login_required
@require_POST
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    with timezone.override(user_zone(user)):
        form = EventForm(request.POST)
        if form.is_valid():
            try:
                setup.event_update(
                    organiser=user,
                    event_id=event.pk,
                    **form.service_values(starts_at=form.cleaned_data["starts_at"]),
                )
            except EventError as exc:
                if not shown_on_page(exc):
                    raise
                form.add_service_error(exc)
            else:
                messages.success(request, _("Event saved."))
                return redirect("events:manage", event_id=event.pk)
    return _manage_page(request, user, event, status=400, edit_form=form, open_form="edit")


def _back_to_manage(event: Event, anchor: str) -> HttpResponse:
    return redirect(reverse("events:manage", kwargs={"event_id": event.pk}) + f"#{anchor}")


@login_required
@require_POST
def participant_add(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    form = ParticipantAddForm(request.POST)
    if form.is_valid():
        try:
            added = setup.participant_add(
                organiser=user,
                event_id=event.pk,
                user_id=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except EventError as exc:
            if not shown_on_page(exc):
                raise
            messages.error(request, exc.message)
        else:
            name = added.user.display_name or added.user.username
            messages.success(request, _("%(name)s is in the event.") % {"name": name})
    else:
        messages.error(request, _("Choose a person and their role."))
    query = request.POST.get("q", "")
    url = reverse("events:manage", kwargs={"event_id": event.pk})
    if query:
        # Back to the same search: adding several people from one search takes one tap each.
        search = ParticipantSearchForm({"q": query})
        if search.is_valid():
            url += "?" + urlencode({"q": search.cleaned_data["q"]})
    return redirect(url + "#add")


@login_required
@require_POST
def participant_remove(request: HttpRequest, event_id: int, user_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    try:
        setup.participant_remove(organiser=user, event_id=event.pk, user_id=user_id)
    except EventError as exc:
        if not shown_on_page(exc):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Participant removed."))
    return _back_to_manage(event, "participants")


@login_required
@require_POST
def participants_import(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    form = ParticipantImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = setup.participants_import(
                organiser=user, event_id=event.pk, text=form.cleaned_data["file"]
            )
        except EventError as exc:
            if not shown_on_page(exc):
                raise
            form.add_service_error(exc)
        else:
            request.session[f"{IMPORT_REPORT_KEY}_{event.pk}"] = {
                "added": report.added,
                "errors": [
                    {"line": error["line"], "message": str(error["message"])}
                    for error in report.errors
                ],
            }
            return _back_to_manage(event, "import")
    return _manage_page(request, user, event, status=400, import_form=form, open_form="import")


@login_required
@require_POST
def forbidden_add(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    form = _forbidden_form(event, request.POST)
    if form.is_valid():
        try:
            setup.forbidden_pair_add(
                organiser=user,
                event_id=event.pk,
                professional_id=form.cleaned_data["professional"],
                student_id=form.cleaned_data["student"],
            )
        except EventError as exc:
            if not shown_on_page(exc):
                raise
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved: these two will not meet."))
            return _back_to_manage(event, "forbidden")
    return _manage_page(request, user, event, status=400, forbidden_form=form)


@login_required
@require_POST
def forbidden_remove(request: HttpRequest, event_id: int, pair_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    pair = ForbiddenPair.objects.filter(event=event, pk=pair_id).first()
    if pair is not None:
        try:
            setup.forbidden_pair_remove(
                organiser=user,
                event_id=event.pk,
                professional_id=pair.professional_id,
                student_id=pair.student_id,
            )
        except EventError as exc:
            if not shown_on_page(exc):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Removed: these two may meet."))
    return _back_to_manage(event, "forbidden")


@login_required
@require_GET
def event_checkin(request: HttpRequest, event_id: int) -> HttpResponse:
    user, event = organiser_event(request, event_id)
    search = ParticipantSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip().casefold() if search.is_valid() else ""
    people = participants_of(event)
    shown = [
        p
        for p in people
        if not query
        or query in p.user.username.casefold()
        or query in p.user.display_name.casefold()
    ]
    context = {
        "event": event,
        "search_form": search,
        "query": query,
        "people": shown,
        "checked_in_count": sum(p.checked_in_at is not None for p in people),
        "total": len(people),
        # Undoing a check-in is for the draft; during the event a latecomer is only added.
        "may_undo": event.status == EventStatus.DRAFT,
        "is_ended": event.status == EventStatus.ENDED,
    }
    with timezone.override(user_zone(user)):
        return render(request, "events/organiser/checkin.html", context)


@login_required
@require_POST
def checkin_set(request: HttpRequest, event_id: int, user_id: int) -> HttpResponse:
    """Check a participant in (or undo it). organiser-checkin.js posts with Accept JSON and
    updates the row in place; without JavaScript the list reloads at the same person."""
    user, event = organiser_event(request, event_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    checked_in = request.POST.get("checked_in", "1") != "0"
    try:
        participant = setup.participant_check_in(
            organiser=user, event_id=event.pk, user_id=user_id, checked_in=checked_in
        )
    except EventError as exc:
        if not shown_on_page(exc):
            raise
        if wants_json:
            status = 400 if exc.code == "bad_request" else 409
            return JsonResponse(
                {"error": {"code": exc.code, "message": exc.message}}, status=status
            )
        messages.error(request, exc.message)
    else:
        if wants_json:
            return JsonResponse(
                {"user": user_id, "checked_in": participant.checked_in_at is not None}
            )
    url = reverse("events:checkin", kwargs={"event_id": event.pk})
    query = request.POST.get("q", "")
    if query:
        url += "?" + urlencode({"q": query[:80]})
    return redirect(f"{url}#person-{user_id}")
