"""The contact policy: who may talk to whom. Chat, rooms and scheduling ask here, nowhere else.

The rules read the two users (role, account state, verification) and the *relationships*
between them. Safeguarding sits below the apps that hold those relationships, so it cannot read
their tables: each app registers the relationships it knows, by name, with
`register_relationship` (chat: "an accepted contact request"; scheduling later: "a shared
booking"). A rule that needs a relationship asks whether any registered one holds.

The rules (each function's docstring has the details):
- `may_chat(user)`: an account may talk at all (asked on every chat frame, so it reads no table).
- `may_contact(sender=, recipient=)`: a student may ask an active verified professional for
  contact; nobody else asks anyone.
- `may_message(sender=, recipient=)`: two people exchange direct messages only when a
  relationship joins them, and a professional only while verified. So a student messages a
  professional only after the professional accepted their contact request.
- `may_invite(host=, guest=, are_contacts=)`: a room's host invites a verified professional,
  or one of their contacts (the caller says whether they are: rooms asks chat).

Each answers a `Verdict`: allowed, or refused with the side at fault and the words to show.
The caller turns a refusal into its own error (its codes and fields are its own).

When they are asked: `may_chat` on every chat frame; `may_contact` when a request is made;
`may_message` when a direct conversation opens (`chat.services.direct_conversation_open`, the
only maker of one), so a dm membership is the policy's answer, kept. A rule that can turn a
"yes" into a "no" later (blocks, suspensions) must also be asked where a conversation is used.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from accounts.models import Role, User

# `fn(a, b) -> bool`: whether the relationship joins the two users, in either direction.
Relationship = Callable[[User, User], bool]
_RELATIONSHIPS: dict[str, Relationship] = {}

Party = Literal["sender", "recipient", "pair"]


@dataclass(frozen=True)
class Verdict:
    """A rule's answer. Refused: `party` says which side the rule is about, `message` what
    to tell the user (it names no one they may not see)."""

    allowed: bool
    party: Party | None = None
    message: str = ""


ALLOWED = Verdict(allowed=True)


def _refused(party: Party, message: str) -> Verdict:
    return Verdict(allowed=False, party=party, message=message)


def register_relationship(name: str, holds: Relationship) -> None:
    """Let the app that knows a relationship tell the policy whether it joins two users.
    Registering a name again replaces it (an app's `ready()` may run more than once)."""
    _RELATIONSHIPS[name] = holds


def relationship_between(a: User, b: User) -> str | None:
    """The name of a registered relationship that joins `a` and `b`, or None."""
    for name, holds in _RELATIONSHIPS.items():
        if holds(a, b):
            return name
    return None


def may_chat(user: User) -> Verdict:
    """Whether `user`'s account may talk at all: it must be active. Reads no table."""
    if not user.is_active:
        return _refused("sender", "Your account may not chat.")
    return ALLOWED


def _open_to_students(user: User) -> bool:
    return bool(user.is_active and user.role == Role.PROFESSIONAL and user.verified)


def may_contact(*, sender: User, recipient: User) -> Verdict:
    """Whether `sender` may send `recipient` a contact request: only a student asks, and only
    an active verified professional is asked."""
    if sender.role != Role.STUDENT or not sender.is_active:
        return _refused("sender", "Only students can ask professionals for contact.")
    if not _open_to_students(recipient):
        return _refused("recipient", "Only verified professionals can be contacted.")
    return ALLOWED


def may_message(*, sender: User, recipient: User) -> Verdict:
    """Whether `sender` and `recipient` may have a direct conversation: two active accounts,
    any professional among them verified, and a registered relationship joining them (today
    only an accepted contact request: a student messages a professional once the professional
    accepted their request)."""
    verdict = may_chat(sender)
    if not verdict.allowed:
        return verdict
    if sender.pk == recipient.pk or not recipient.is_active:
        return _refused("recipient", "This person cannot be messaged.")
    sides: tuple[tuple[Party, User], ...] = (("sender", sender), ("recipient", recipient))
    for party, user in sides:
        if user.role == Role.PROFESSIONAL and not user.verified:
            return _refused(party, "A professional must be verified first.")
    if relationship_between(sender, recipient) is None:
        return _refused("pair", "You can message someone once they accepted your request.")
    return ALLOWED


def may_invite(*, host: User, guest: User, are_contacts: bool) -> Verdict:
    """Whether `host` may invite `guest` into a room: another active user who is a verified
    professional, or one of the host's contacts (`are_contacts`, as chat knows them)."""
    if guest.pk == host.pk or not guest.is_active:
        return _refused("recipient", "Invite another active user.")
    if guest.role == Role.PROFESSIONAL and guest.verified:
        return ALLOWED
    if not are_contacts:
        return _refused("pair", "You can invite your contacts and verified professionals.")
    return ALLOWED
