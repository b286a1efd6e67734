""" "Surprise me": a handful of profiles, mostly from the student's interests, at least one from a
sector they have not explored, never the same set twice in a row, each with its reason."""

import secrets
from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from gallery.models import DiscoveryRound, Interest, ProfileView, Sector, WitnessProfile
from gallery.selectors import student_interest_ids, visible_profiles

DISCOVERY_SIZE = 6
# How many random candidates each pool draws before picking: enough for variety, cheap at 20k.
CANDIDATES_PER_POOL = 60

ReasonKind = Literal["interest", "new_sector", "variety"]


@dataclass(frozen=True)
class Suggestion:
    profile: WitnessProfile
    reason: ReasonKind
    # The interest shared with the student, or the sector to discover.
    term: Interest | Sector

    @property
    def explanation(self) -> str:
        """Why this card was chosen, in the active language."""
        if self.reason == "interest":
            return _("Because you like %(interest)s") % {"interest": self.term.label.lower()}
        if self.reason == "new_sector":
            return _("A sector you have not explored yet: %(sector)s") % {"sector": self.term.label}
        return _("Something different: %(sector)s") % {"sector": self.term.label}


def _random_candidates(profiles: QuerySet[WitnessProfile]) -> list[WitnessProfile]:
    return list(
        profiles.select_related("user__profile_photo", "sector")
        .prefetch_related("interests")
        .order_by("?")[:CANDIDATES_PER_POOL]
    )


def _shared_interest(profile: WitnessProfile, interest_ids: set[int]) -> Interest | None:
    shared = [interest for interest in profile.interests.all() if interest.pk in interest_ids]
    return secrets.choice(shared) if shared else None


@transaction.atomic
def discovery_propose(*, student: User, size: int = DISCOVERY_SIZE) -> list[Suggestion]:
    """Propose `size` visible profiles for the student and remember the set.

    Most share an interest with the student; at least one (more when the student has no
    interests) comes from a sector the student has not viewed and that no other pick is from;
    none of the previous set is proposed again while enough other profiles exist.
    """
    previous = DiscoveryRound.objects.filter(student=student).first()
    previous_ids = set(previous.profile_ids) if previous else set()
    pool = visible_profiles()
    if pool.exclude(pk__in=previous_ids).count() >= size:
        pool = pool.exclude(pk__in=previous_ids)
    interest_ids = set(student_interest_ids(user=student))
    viewed_sector_ids = set(
        ProfileView.objects.filter(student=student).values_list("profile__sector_id", flat=True)
    )

    picks: list[Suggestion] = []
    picked_ids: set[int] = set()
    picked_sectors: set[int] = set()

    def take(profile: WitnessProfile, reason: ReasonKind, term: Interest | Sector) -> None:
        picks.append(Suggestion(profile, reason, term))
        picked_ids.add(profile.pk)
        picked_sectors.add(profile.sector_id)

    # One slot is kept for a sector the student has not explored.
    if interest_ids:
        matching = _random_candidates(pool.filter(interests__in=interest_ids).distinct())
        # Prefer one profile per sector, then allow repeats of sectors.
        for allow_same_sector in (False, True):
            for profile in matching:
                if len(picks) >= size - 1:
                    break
                if profile.pk in picked_ids:
                    continue
                if not allow_same_sector and profile.sector_id in picked_sectors:
                    continue
                interest = _shared_interest(profile, interest_ids)
                if interest is not None:
                    take(profile, "interest", interest)

    # The rest: sectors the student has not explored first, one profile per sector where possible.
    remaining = pool.exclude(pk__in=picked_ids)
    candidates = {
        profile.pk: profile
        for profile in _random_candidates(remaining.exclude(sector_id__in=viewed_sector_ids))
        + _random_candidates(remaining)
    }

    def novelty(profile: WitnessProfile) -> int:
        unexplored = profile.sector_id not in viewed_sector_ids
        new_here = profile.sector_id not in picked_sectors
        return 0 if unexplored and new_here else 1 if new_here else 2

    while len(picks) < size and candidates:
        profile = min(candidates.values(), key=novelty)
        del candidates[profile.pk]
        reason: ReasonKind = (
            "new_sector" if profile.sector_id not in viewed_sector_ids else "variety"
        )
        take(profile, reason, profile.sector)

    DiscoveryRound.objects.update_or_create(
        student=student, defaults={"profile_ids": [s.profile.pk for s in picks]}
    )
    return picks
