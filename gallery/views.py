"""Pages of the profiles gallery: explore, a profile, saving, the professional's editor and
preview, a student's interests, "surprise me" and the saved list.

Each view reads with profiles.selectors, writes with one profiles service, and validates posted
data with the API's serializers (through gallery.forms).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import request_user
from accounts.models import Role, User
from gallery import selectors, services
from gallery.discovery import ReasonKind, Suggestion, discovery_propose
from gallery.forms import (
    FILTER_KEYS,
    GalleryFilterForm,
    SearchRequest,
    StudentInterestsForm,
    WitnessProfileForm,
    search_request_parse,
)
from gallery.models import Interest, Sector, StudentProfile, WitnessProfile
from gallery.photos import photo_url_of
from gallery.presenters import (
    ProfileCard,
    initials_of,
    optional_url,
    profile_card,
    profile_page,
)

PAGE_SIZE = 12


def _require_role(user: User, role: Role) -> None:
    if user.role != role:
        raise PermissionDenied


def _saved_ids(user: User) -> set[int]:
    return selectors.saved_profile_ids(student=user) if user.role == Role.STUDENT else set()


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else fallback


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


# --- Explore --------------------------------------------------------------------------------------


def _query(values: dict[str, str], **changes: str | None) -> str:
    merged = {**values, **changes}
    params = {key: value for key, value in merged.items() if value}
    return f"?{urlencode(params)}" if params else "?"


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    remove_url: str


def _active_filters(search: SearchRequest, form: GalleryFilterForm) -> list[ActiveFilter]:
    return [
        ActiveFilter(
            label=str(form.fields[key].label),
            value=form.choice_label(key, value),
            remove_url=_query(search.values, **{key: None, "page": None}),
        )
        for key, value in search.active_filters.items()
    ]


def _count_text(total: int) -> str:
    if total == 0:
        return _("No professional found")
    return ngettext("%(count)s professional found", "%(count)s professionals found", total) % {
        "count": total
    }


@login_required
@require_GET
def explore(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    search = search_request_parse(request.GET)
    form = GalleryFilterForm(initial=search.values)
    context: dict[str, Any] = {
        "form": form,
        "search": search,
        "active_filters": _active_filters(search, form) if not search.problems else [],
        "filter_count": 0 if search.problems else len(search.active_filters),
        "clear_filters_url": _query(search.values, **dict.fromkeys((*FILTER_KEYS, "page"))),
        "is_student": user.role == Role.STUDENT,
        "cards": [],
        "total": 0,
    }
    if search.problems:
        context["count_text"] = _("We could not use this search.")
        status = 400
    else:
        profiles = selectors.profile_search(viewer=user, filters=search.filters)
        total = profiles.count()
        start = (search.page - 1) * PAGE_SIZE
        rows = list(profiles[start : start + PAGE_SIZE]) if start < total else []
        saved_ids = _saved_ids(user)
        context |= {
            "cards": [profile_card(profile, saved_ids=saved_ids) for profile in rows],
            "total": total,
            "count_text": _count_text(total),
            "page": search.page,
            "past_the_end": total > 0 and not rows,
            "first_page_url": _query(search.values, page=None),
            "next_url": _query(search.values, page=str(search.page + 1))
            if start + PAGE_SIZE < total
            else None,
            "previous_url": _query(
                search.values, page=str(search.page - 1) if search.page > 2 else None
            )
            if search.page > 1
            else None,
        }
        status = 200
    # Where a card's save button comes back to without JavaScript (never the partial view).
    context["next_here"] = reverse("gallery:explore") + (
        _query(search.values) if search.values else ""
    )
    template = "gallery/explore.html"
    if request.GET.get("partial") == "1":
        template = "gallery/includes/results.html"
    return render(request, template, context, status=status)


# --- A profile ------------------------------------------------------------------------------------


@login_required
@require_GET
def profile(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = request_user(request)
    witness = selectors.profile_detail(profile_id=profile_id)
    if witness is None:
        raise Http404
    services.profile_view_record(viewer=user, profile=witness)
    is_student = user.role == Role.STUDENT
    context = {
        "page": profile_page(witness, saved_ids=_saved_ids(user)),
        "preview": False,
        "is_student": is_student,
        "is_own": witness.user_id == user.pk,
        # Pages of the chat and scheduling slices: linked once they exist.
        "contact_url": optional_url("chat:contact_request", witness.user_id)
        if is_student
        else None,
        "booking_url": optional_url("scheduling:professional_slots", witness.user_id)
        if is_student
        else None,
    }
    return render(request, "gallery/profile.html", context)


@login_required
@require_POST
def profile_save(request: HttpRequest, profile_id: int) -> HttpResponse:
    """Put a profile on the student's list (saved=1) or take it off (saved=0)."""
    user = request_user(request)
    _require_role(user, Role.STUDENT)
    witness = selectors.profile_detail(profile_id=profile_id)
    if witness is None:
        raise Http404
    saved = request.POST.get("saved") == "1"
    if saved:
        services.saved_profile_add(student=user, profile=witness)
        message = _("Saved to your list.")
    else:
        services.saved_profile_remove(student=user, profile=witness)
        message = _("Removed from your list.")
    if _wants_json(request):
        return JsonResponse({"saved": saved, "message": message})
    messages.success(request, message)
    return redirect(_safe_next(request, reverse("gallery:profile", args=[witness.pk])))


# --- The professional's editor and preview --------------------------------------------------------


def own_profile(user: User) -> WitnessProfile | None:
    return (
        WitnessProfile.objects.select_related("user__profile_photo", "sector")
        .prefetch_related("skills", "interests")
        .filter(user=user)
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_role(user, Role.PROFESSIONAL)
    own = own_profile(user)
    if request.method == "POST":
        form = WitnessProfileForm(request.POST, profile=own)
        if form.is_valid():
            services.witness_profile_save(
                user=user, data=services.WitnessProfileData(**form.cleaned_data)
            )
            messages.success(request, _("Your profile is saved. Here it is as students see it."))
            return redirect("gallery:profile_preview")
    else:
        form = WitnessProfileForm(profile=own)
    return editor_render(request, form=form, has_profile=own is not None)


def editor_render(
    request: HttpRequest,
    *,
    form: WitnessProfileForm,
    has_profile: bool,
    photo_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The editor page (also shown again by gallery.photo_views with a refused photo)."""
    user = request_user(request)
    # A new profile is most likely written in the author's own language.
    form.initial.setdefault("content_language", user.preferred_language)
    context = {
        "form": form,
        "has_profile": has_profile,
        "photo": photo_url_of(user),
        "photo_initials": initials_of(user.display_name or user.username),
        "photo_max_mb": settings.PROFILE_PHOTO_MAX_BYTES // (1024 * 1024),
        "photo_error": photo_error,
    }
    return render(request, "gallery/editor.html", context, status=status)


@login_required
@require_GET
def profile_preview(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_role(user, Role.PROFESSIONAL)
    own = own_profile(user)
    if own is None:
        messages.info(request, _("Fill in your profile first: the preview shows it."))
        return redirect("gallery:profile_edit")
    context = {
        "page": profile_page(own, saved_ids=set()),
        "preview": True,
        "is_student": False,
        "is_own": True,
    }
    return render(request, "gallery/profile.html", context)


# --- A student's interests ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def interests(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_role(user, Role.STUDENT)
    if request.method == "POST":
        form = StudentInterestsForm(request.POST)
        if form.is_valid():
            services.student_profile_save(user=user, **form.cleaned_data)
            messages.success(request, _("Your interests are saved."))
            return redirect(_safe_next(request, reverse("gallery:interests")))
    else:
        student = StudentProfile.objects.filter(user=user).first()
        initial: dict[str, Any] = {}
        if student is not None:
            initial = {
                "interests": [term.slug for term in student.interests.all()],
                "school": student.school,
                "study_track": student.study_track,
            }
        form = StudentInterestsForm(initial=initial)
    context = {"form": form, "next": _safe_next(request, "")}
    return render(request, "gallery/interests.html", context)


# --- Surprise me ----------------------------------------------------------------------------------

SURPRISE_SESSION_KEY = "gallery_surprise"
# Coming back to the page (after opening a card) shows the same set for a while; the button,
# or a visit after this long, asks for a new one.
SURPRISE_KEPT_FOR = timedelta(minutes=30)
REASONS: tuple[ReasonKind, ...] = ("interest", "new_sector", "variety")


def _remember(request: HttpRequest, suggestions: list[Suggestion]) -> None:
    request.session[SURPRISE_SESSION_KEY] = {
        "at": timezone.now().timestamp(),
        "picks": [
            [
                s.profile.pk,
                s.reason,
                "interest" if isinstance(s.term, Interest) else "sector",
                s.term.pk,
            ]
            for s in suggestions
        ],
    }


def _remembered(request: HttpRequest) -> list[Suggestion] | None:
    """The set shown last in this session, rebuilt from the database; None when stale."""
    stored: Any = request.session.get(SURPRISE_SESSION_KEY)
    try:
        at = float(stored["at"])
        picks = [(int(p), str(r), str(k), int(t)) for p, r, k, t in stored["picks"]]
    except (TypeError, KeyError, ValueError):
        return None
    if timezone.now().timestamp() - at > SURPRISE_KEPT_FOR.total_seconds():
        return None
    profiles = selectors.visible_profiles().select_related("user__profile_photo", "sector")
    by_id = {p.pk: p for p in profiles.filter(pk__in=[pick[0] for pick in picks])}
    interests = Interest.objects.in_bulk([t for _p, _r, kind, t in picks if kind == "interest"])
    sectors = Sector.objects.in_bulk([t for _p, _r, kind, t in picks if kind == "sector"])
    suggestions = []
    for profile_id, reason, kind, term_id in picks:
        term = (interests if kind == "interest" else sectors).get(term_id)
        if profile_id in by_id and term is not None and reason in REASONS:
            suggestions.append(Suggestion(by_id[profile_id], reason, term))
    return suggestions or None


@login_required
@require_http_methods(["GET", "POST"])
def surprise(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_role(user, Role.STUDENT)
    if request.method == "POST":
        suggestions = discovery_propose(student=user)
        _remember(request, suggestions)
        messages.info(request, _("Here is a new set, just for you."))
        return redirect("gallery:surprise")
    remembered = _remembered(request)
    if remembered is None:
        suggestions = discovery_propose(student=user)
        _remember(request, suggestions)
    else:
        suggestions = remembered
    saved_ids = _saved_ids(user)
    items = [
        (profile_card(s.profile, saved_ids=saved_ids), s.reason, s.explanation) for s in suggestions
    ]
    context = {
        "items": items,
        "is_student": True,
        "has_interests": bool(selectors.student_interest_ids(user=user)),
    }
    return render(request, "gallery/surprise.html", context)


# --- Saved ----------------------------------------------------------------------------------------


@login_required
@require_GET
def saved(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _require_role(user, Role.STUDENT)
    profiles = list(selectors.saved_profile_list(student=user))
    ids = {profile.pk for profile in profiles}
    cards: list[ProfileCard] = [profile_card(profile, saved_ids=ids) for profile in profiles]
    return render(request, "gallery/saved.html", {"cards": cards, "is_student": True})
