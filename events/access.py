"""Who may see an event and who may run it: the one way to load an event for a user.

An event is seen by its organiser and its participants; anyone else hears `not_found`, so ids
cannot be probed. Only the event's organiser runs it: a participant who tries gets `forbidden`.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role, User
from events.errors import EventError
from events.models import Event, EventParticipant


def _event_id(event_id: int | str) -> int:
    text = str(event_id)
    if not text.isdigit() or len(text) > 18:
        raise EventError("not_found", _("No such event."))
    return int(text)


def require_organiser_role(user: User) -> None:
    """Raises EventError `forbidden` unless `user` is an (active) organiser."""
    if not user.is_active or user.role != Role.ORGANISER:
        raise EventError("forbidden", _("Only organisers can run events."))


def events_visible_to(*, user: User) -> QuerySet[Event]:
    """Events `user` organises or takes part in."""
    taking_part = EventParticipant.objects.filter(user=user).values("event_id")
    return Event.objects.filter(organiser=user) | Event.objects.filter(pk__in=taking_part)


def access_event(*, user: User, event_id: int | str) -> Event:
    """The event if `user` organises it or takes part in it; EventError `not_found` otherwise
    (a missing event and someone else's alike)."""
    event = Event.objects.select_related("organiser").filter(pk=_event_id(event_id)).first()
    if event is None or not user.is_active:
        raise EventError("not_found", _("No such event."))
    if event.organiser_id != user.pk and not event_participant_of(event=event, user=user):
        raise EventError("not_found", _("No such event."))
    return event


def event_participant_of(*, event: Event, user: User) -> EventParticipant | None:
    return EventParticipant.objects.filter(event=event, user=user).first()


def access_event_as_organiser(
    *, user: User, event_id: int | str, for_update: bool = False
) -> Event:
    """The event if `user` organises it. `not_found` for someone who cannot see it,
    `forbidden` for a participant (they see it, they may not run it). `for_update` locks the
    row (call inside a transaction): every change of the clock goes through that lock."""
    event = access_event(user=user, event_id=event_id)
    if event.organiser_id != user.pk:
        raise EventError("forbidden", _("Only the event's organiser can do this."))
    if for_update:
        event = Event.objects.select_for_update().select_related("organiser").get(pk=event.pk)
    return event
