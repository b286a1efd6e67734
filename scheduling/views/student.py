"""The student's pages: a professional's free slots, and booking one with a note.

Before a first in-person one-to-one meeting (capacity 1, in person) with a professional the
student has never written to (no conversation between them, as chat says), the booking page
requires the note: meeting a stranger alone, the professional should know who is coming. The
rule lives here, in the page, and not in the booking service, so that `POST /api/bookings/`
with `{"slot"}` alone keeps its fixed answer (docs/scheduling.md).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import request_user
from accounts.models import Role, User
from chat.selectors import contact_exists
from scheduling import selectors, services
from scheduling.errors import SchedulingError
from scheduling.forms import BookingNoteForm
from scheduling.models import Mode, Slot
from scheduling.views.common import job_title, offered_slot, slot_page


def _professional_or_404(professional_id: int) -> User:
    professional = selectors.bookable_professional(professional_id=professional_id)
    if professional is None:
        raise Http404
    return professional


def note_required(*, student: User, slot: Slot) -> bool:
    """Whether booking `slot` needs the student to introduce themselves: an in-person
    one-to-one meeting with a professional they have no conversation with."""
    return (
        slot.capacity == 1
        and slot.mode == Mode.IN_PERSON
        and not contact_exists(user=student, other=slot.professional)
    )


@login_required
@require_GET
def professional_slots(request: HttpRequest, professional_id: int) -> HttpResponse:
    user = request_user(request)
    professional = _professional_or_404(professional_id)
    page = slot_page(request, professional, user)
    rules = selectors.booking_rules_of(professional=professional)
    context = {
        "professional": professional,
        "job_title": job_title(professional),
        "page": page,
        "days": page.days,
        "can_book": user.role == Role.STUDENT,
        "time_zone": user.time_zone,
        "other_zone": professional.time_zone if professional.time_zone != user.time_zone else "",
        "rules": rules,
        "notice_hours": rules.min_notice_minutes // 60,
    }
    return render(request, "scheduling/professional_slots.html", context)


@login_required
def book(request: HttpRequest, slot_id: int) -> HttpResponse:
    """Click 1 shows this confirmation, with the note; click 2 (POST) books."""
    user = request_user(request)
    slot = offered_slot(slot_id)
    back = reverse("scheduling:professional_slots", args=[slot.professional_id])
    can_book = user.role == Role.STUDENT
    introduce = can_book and note_required(student=user, slot=slot)
    form = BookingNoteForm(request.POST if request.method == "POST" else None, introduce=introduce)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking = services.booking_create(
                    student=user, slot_id=slot.pk, note=form.cleaned_data["note"]
                )
            except SchedulingError as exc:
                if exc.field != "note":
                    messages.error(request, exc.message)
                    return redirect(back)
                form.add_service_error(exc)
            else:
                messages.success(request, _("Booked! You will find it in My meetings."))
                return redirect("scheduling:booking_detail", booking_id=booking.pk)
        status = 400
    context = {
        "slot": slot,
        "professional": slot.professional,
        "job_title": job_title(slot.professional),
        "back": back,
        "can_book": can_book,
        "introduce": introduce,
        "form": form,
    }
    return render(request, "scheduling/book_confirm.html", context, status=status)
