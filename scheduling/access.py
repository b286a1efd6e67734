"""The one way to load a booking for a user: its student or its professional, else 404."""

from django.utils.translation import gettext as _

from accounts.models import User
from scheduling.errors import NotFound
from scheduling.models import Booking


def access_booking(*, user: User, booking_id: int) -> Booking:
    """The booking if `user` is its student or its professional.

    Raises NotFound otherwise, with the same answer as for a missing id: ids are not probed.
    """
    booking = (
        Booking.objects.select_related("slot", "student", "professional")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or user.pk not in (booking.student_id, booking.professional_id):
        raise NotFound(_("No such booking."))
    return booking
