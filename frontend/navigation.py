"""Where each role can go from the shell: the header navigation and the cards on the home page.

A destination whose URL name does not resolve yet is a page a later slice will build: the header
leaves it out and the home page shows it as a "coming soon" card, so nothing links to a 404.
Adding the page (with this URL name) is all it takes to switch it on.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


@dataclass(frozen=True)
class Destination:
    key: str
    url_name: str
    label: str | Promise
    description: str | Promise
    roles: frozenset[str]
    # False: a card on the home page only, not a link in the header.
    in_header: bool = True


@dataclass(frozen=True)
class Link:
    """A destination resolved for one request: `url` is None while the page does not exist."""

    key: str
    label: str | Promise
    description: str | Promise
    url: str | None
    in_header: bool = True


STUDENT = frozenset({Role.STUDENT})
PROFESSIONAL = frozenset({Role.PROFESSIONAL})
ORGANISER = frozenset({Role.ORGANISER})
MODERATOR = frozenset({Role.MODERATOR})
STAFF = ORGANISER | MODERATOR

DESTINATIONS: tuple[Destination, ...] = (
    Destination(
        "explore",
        "gallery:explore",
        _("Explore jobs"),
        _("Browse professionals by job, sector or what you love doing."),
        STUDENT,
    ),
    Destination(
        "surprise",
        "gallery:surprise",
        _("Surprise me"),
        _("Not sure what you're looking for? Let us pick a few jobs for you."),
        STUDENT,
    ),
    Destination(
        "saved",
        "gallery:saved",
        _("Saved"),
        _("The professionals you kept for later."),
        STUDENT,
    ),
    Destination(
        "interests",
        "gallery:interests",
        _("My interests"),
        _("Tell us what you like: your surprises get better."),
        STUDENT,
        in_header=False,
    ),
    Destination(
        "profile",
        "gallery:profile_edit",
        _("My profile"),
        _("Tell students about your typical day, your path and your training."),
        PROFESSIONAL,
    ),
    Destination(
        "availability",
        "scheduling:availability",
        _("Availability"),
        _("Choose when students can book a meeting with you."),
        PROFESSIONAL,
    ),
    Destination(
        "chats",
        "chat:inbox",
        _("Chats"),
        _("Your conversations with students and professionals."),
        STUDENT | PROFESSIONAL,
    ),
    Destination(
        "rooms",
        "rooms:list",
        _("Live Q&A"),
        _("Video rooms where a professional answers everyone's questions."),
        STUDENT | PROFESSIONAL,
    ),
    Destination(
        "bookings",
        "scheduling:my_meetings",
        _("Meetings"),
        _("Your booked meetings, in person or online."),
        STUDENT | PROFESSIONAL,
    ),
    Destination(
        "events",
        "events:index",
        _("Speed meetings"),
        _("Events where you meet several people in short rounds."),
        STUDENT | PROFESSIONAL | ORGANISER,
    ),
    Destination(
        "verification",
        "frontend:verification",
        _("Verify professionals"),
        _("Check new professionals so they can meet students."),
        STAFF,
    ),
    Destination(
        "reports",
        "safeguarding:reports",
        _("Reports"),
        _("Handle what users reported and keep Backstage safe."),
        MODERATOR,
    ),
)


def _resolve(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def links_for_role(role: str) -> list[Link]:
    """Every destination of this role, in order, with its URL when the page exists."""
    return [
        Link(d.key, d.label, d.description, _resolve(d.url_name), d.in_header)
        for d in DESTINATIONS
        if role in d.roles
    ]
