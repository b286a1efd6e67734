"""Verification of professionals, run by organisers and moderators.

A decision (verify, ask for more information, refuse, withdraw) adds one
`VerificationDecision` row; the latest row is the professional's standing and `User.verified`
follows it in the same transaction, so the gallery, chat and rooms (which filter on it) see the
change at commit.

Who decides: active users whose role is organiser or moderator. A Django superuser without one
of those roles is refused like anyone else: the admin's checkbox is not the way any more, and a
decision must name a person whose role says they check professionals.

Withdrawing runs the withdrawal steps higher apps register (`register_withdrawal_step`): rooms
ends the professional's open rooms. The gallery needs no step: it shows verified users only.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.notifications.models import NotificationKind
from accounts.notifications.service import notify
from core.errors import ServiceError
from safeguarding.verification_models import (
    VERIFICATION_MESSAGE_MAX_LENGTH,
    VERIFICATION_NOTE_MAX_LENGTH,
    VerificationDecision,
    VerificationLevel,
    VerificationStatus,
)

DECIDER_ROLES = frozenset({Role.ORGANISER, Role.MODERATOR})
# Standings that keep a professional in the queue: nobody decided yet, or they were asked for more.
OPEN_STATUSES = (VerificationStatus.PENDING, VerificationStatus.MORE_INFO_REQUESTED)

WithdrawalStep = Callable[[User], None]
_WITHDRAWAL_STEPS: dict[str, WithdrawalStep] = {}


class VerificationError(ServiceError):
    """A refused verification decision: `forbidden`, `not_found`, `bad_request`, `conflict`."""


def register_withdrawal_step(name: str, step: WithdrawalStep) -> None:
    """Run `step(professional)` when a professional's verification is withdrawn, inside the
    withdrawal's transaction, after `User.verified` is cleared. A step that raises stops the
    withdrawal: nothing changes. Registering a name again replaces it."""
    _WITHDRAWAL_STEPS[name] = step


def may_decide_verification(user: User) -> bool:
    """Whether `user` may verify, question, refuse or withdraw professionals."""
    return bool(user.is_authenticated and user.is_active and user.role in DECIDER_ROLES)


def _require_decider(user: User) -> None:
    if not may_decide_verification(user):
        raise VerificationError(
            "forbidden", _("Only organisers and moderators can verify professionals.")
        )


@dataclass(frozen=True)
class VerificationStanding:
    """Where a professional stands. `decision` is the latest row (None: nobody decided yet,
    or verified through the admin before decisions were recorded, then `status` is verified
    with no level)."""

    status: str
    decision: VerificationDecision | None

    @property
    def level(self) -> str:
        return self.decision.level if self.decision is not None else ""

    @property
    def message(self) -> str:
        return self.decision.message if self.decision is not None else ""

    @property
    def decided_at(self) -> dt.datetime | None:
        return self.decision.decided_at if self.decision is not None else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def latest_decision(*, professional: User) -> VerificationDecision | None:
    return (
        VerificationDecision.objects.select_related("decided_by")
        .filter(professional=professional)
        .order_by("-decided_at", "-id")
        .first()
    )


def verification_standing(*, professional: User) -> VerificationStanding:
    """The professional's standing, from their latest decision."""
    decision = latest_decision(professional=professional)
    if decision is not None:
        return VerificationStanding(status=decision.status, decision=decision)
    if professional.verified:
        return VerificationStanding(status=VerificationStatus.VERIFIED, decision=None)
    return VerificationStanding(status=VerificationStatus.PENDING, decision=None)


def _latest_status() -> Subquery:
    latest = VerificationDecision.objects.filter(professional=OuterRef("pk")).order_by(
        "-decided_at", "-id"
    )
    return Subquery(latest.values("status")[:1])


def verification_queue() -> QuerySet[User]:
    """Active professionals waiting for a decision (never decided and not verified, or asked
    for more information), the longest waiting first. Each has `latest_status` (None: never
    decided)."""
    return (
        User.objects.filter(role=Role.PROFESSIONAL, is_active=True)
        .annotate(latest_status=_latest_status())
        .filter(Q(latest_status__isnull=True, verified=False) | Q(latest_status__in=OPEN_STATUSES))
        .order_by("date_joined", "pk")
    )


def recent_decisions(*, limit: int = 30) -> list[VerificationDecision]:
    """The latest decisions of everyone, newest first, with who decided on whom."""
    return list(
        VerificationDecision.objects.select_related("professional", "decided_by").order_by(
            "-decided_at", "-id"
        )[:limit]
    )


def decision_history(*, professional: User) -> list[VerificationDecision]:
    """Every decision on one professional, newest first (the audit's view)."""
    return list(
        VerificationDecision.objects.select_related("decided_by")
        .filter(professional=professional)
        .order_by("-decided_at", "-id")
    )


def professional_get(*, professional_id: int) -> User:
    """A professional by id (active or not). Raises VerificationError `not_found`."""
    professional = User.objects.filter(pk=professional_id, role=Role.PROFESSIONAL).first()
    if professional is None:
        raise VerificationError("not_found", _("No such professional."))
    return professional


def _professional_for_update(professional_id: int) -> User:
    professional = (
        User.objects.select_for_update().filter(pk=professional_id, role=Role.PROFESSIONAL).first()
    )
    if professional is None:
        raise VerificationError("not_found", _("No such professional."))
    return professional


def _require_active(professional: User) -> None:
    if not professional.is_active:
        raise VerificationError("conflict", _("This account is not active."))


def _clean_text(text: str, *, limit: int, field: str, required: bool) -> str:
    value = text.strip()
    if required and not value:
        raise VerificationError("bad_request", _("Write a few words."), field=field)
    if len(value) > limit:
        raise VerificationError(
            "bad_request",
            _("Keep it under %(limit)d characters.") % {"limit": limit},
            field=field,
        )
    return value


def _record(
    *,
    professional: User,
    decider: User,
    status: str,
    verified: bool,
    now: dt.datetime | None,
    **fields: object,
) -> VerificationDecision:
    decision = VerificationDecision.objects.create(
        professional=professional,
        decided_by=decider,
        status=status,
        decided_at=now or timezone.now(),
        **fields,
    )
    if professional.verified != verified:
        professional.verified = verified
        professional.save(update_fields=["verified"])
    # The professional's home shows the standing and any message: the notification leads there.
    notify(
        user_id=professional.pk,
        kind=NotificationKind.VERIFICATION_CHANGED,
        data={"status": status, "url": reverse("frontend:home")},
    )
    return decision


def verify(
    *,
    decider: User,
    professional_id: int,
    level: str,
    identity_seen: bool = True,
    extract_date: dt.date | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> VerificationDecision:
    """An organiser or a moderator verifies a professional whose identity they saw, at level
    `standard` or `enhanced` (a criminal-record extract for work with minors seen, with the
    extract's date when given). Verifying a verified professional records the new check (a
    level raised, a new extract).

    Raises VerificationError: `forbidden` (not an organiser or moderator), `not_found` (no such
    professional), `conflict` (inactive account), `bad_request` with `field` (`level`,
    `identity_seen` not true, `extract_date` in the future, `note` too long).
    """
    _require_decider(decider)
    if level not in VerificationLevel.values:
        raise VerificationError("bad_request", _("Choose a level of check."), field="level")
    if not identity_seen:
        raise VerificationError(
            "bad_request",
            _("A professional is verified only once their identity was seen."),
            field="identity_seen",
        )
    today = timezone.localdate(now or timezone.now())
    if extract_date is not None and extract_date > today:
        raise VerificationError(
            "bad_request", _("The extract's date is in the future."), field="extract_date"
        )
    clean_note = _clean_text(note, limit=VERIFICATION_NOTE_MAX_LENGTH, field="note", required=False)
    with transaction.atomic():
        professional = _professional_for_update(professional_id)
        _require_active(professional)
        return _record(
            professional=professional,
            decider=decider,
            status=VerificationStatus.VERIFIED,
            verified=True,
            now=now,
            level=level,
            identity_seen=True,
            extract_date=extract_date,
            note=clean_note,
        )


def request_more_information(
    *,
    decider: User,
    professional_id: int,
    message: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> VerificationDecision:
    """Ask a professional who is not verified for more (a document, a call): `message` is
    shown to them; they stay in the queue.

    Raises VerificationError: `forbidden`, `not_found`, `conflict` (already verified: withdraw
    first; inactive account), `bad_request` (`message` empty or long, `note` long).
    """
    _require_decider(decider)
    text = _clean_text(
        message, limit=VERIFICATION_MESSAGE_MAX_LENGTH, field="message", required=True
    )
    clean_note = _clean_text(note, limit=VERIFICATION_NOTE_MAX_LENGTH, field="note", required=False)
    with transaction.atomic():
        professional = _professional_for_update(professional_id)
        _require_active(professional)
        if professional.verified:
            raise VerificationError("conflict", _("This professional is already verified."))
        return _record(
            professional=professional,
            decider=decider,
            status=VerificationStatus.MORE_INFO_REQUESTED,
            verified=False,
            now=now,
            message=text,
            note=clean_note,
        )


def refuse(
    *,
    decider: User,
    professional_id: int,
    reason: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> VerificationDecision:
    """Refuse to verify a professional who is not verified; `reason` is shown to them and they
    leave the queue.

    Raises VerificationError: `forbidden`, `not_found`, `conflict` (verified: withdraw instead;
    already refused), `bad_request` (`reason` empty or long, `note` long).
    """
    _require_decider(decider)
    text = _clean_text(reason, limit=VERIFICATION_MESSAGE_MAX_LENGTH, field="reason", required=True)
    clean_note = _clean_text(note, limit=VERIFICATION_NOTE_MAX_LENGTH, field="note", required=False)
    with transaction.atomic():
        professional = _professional_for_update(professional_id)
        if professional.verified:
            raise VerificationError(
                "conflict", _("This professional is verified: withdraw the verification instead.")
            )
        latest = latest_decision(professional=professional)
        if latest is not None and latest.status == VerificationStatus.REFUSED:
            raise VerificationError("conflict", _("This professional is already refused."))
        return _record(
            professional=professional,
            decider=decider,
            status=VerificationStatus.REFUSED,
            verified=False,
            now=now,
            message=text,
            note=clean_note,
        )


def withdraw(
    *,
    decider: User,
    professional_id: int,
    reason: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> VerificationDecision:
    """Withdraw a professional's verification (`reason`, shown to them, may be empty): they
    leave the gallery and every withdrawal step runs (their open rooms end), all in one
    transaction.

    Raises VerificationError: `forbidden`, `not_found`, `conflict` (not verified),
    `bad_request` (`reason` or `note` too long).
    """
    _require_decider(decider)
    text = _clean_text(
        reason, limit=VERIFICATION_MESSAGE_MAX_LENGTH, field="reason", required=False
    )
    clean_note = _clean_text(note, limit=VERIFICATION_NOTE_MAX_LENGTH, field="note", required=False)
    with transaction.atomic():
        professional = _professional_for_update(professional_id)
        if not professional.verified:
            raise VerificationError("conflict", _("This professional is not verified."))
        decision = _record(
            professional=professional,
            decider=decider,
            status=VerificationStatus.WITHDRAWN,
            verified=False,
            now=now,
            message=text,
            note=clean_note,
        )
        for _name, step in list(_WITHDRAWAL_STEPS.items()):
            step(professional)
    return decision
