"""Demo verification records (seed_demo): every verified demo professional was checked at the
enhanced level by demo-moderator. Idempotent: a professional whose standing is already a
verification keeps it."""

import datetime as dt

from django.utils import timezone

from accounts.models import Role, User
from safeguarding import verification
from safeguarding.verification_models import VerificationDecision, VerificationLevel

DEMO_MODERATOR = "demo-moderator"
DEMO_NOTE = "Demo data: identity card and model 596.2 extract seen at the launch session."
# How old the demo extracts are: recent enough for a school to accept them.
DEMO_EXTRACT_AGE = dt.timedelta(days=30)


def demo_verification_seed(usernames: list[str]) -> int:
    """Record an enhanced verification for each verified demo professional that has none;
    a demo professional the seed resets to unverified loses its records (back in the queue).
    Returns how many verifications were recorded."""
    moderator = User.objects.get(username=DEMO_MODERATOR, role=Role.MODERATOR)
    extract_date = timezone.localdate() - DEMO_EXTRACT_AGE
    recorded = 0
    for professional in User.objects.filter(username__in=usernames, role=Role.PROFESSIONAL):
        standing = verification.verification_standing(professional=professional)
        if not professional.verified:
            if standing.status != "pending":
                VerificationDecision.objects.filter(professional=professional).delete()
            continue
        if standing.decision is not None and standing.status == "verified":
            continue
        verification.verify(
            decider=moderator,
            professional_id=professional.pk,
            level=VerificationLevel.ENHANCED,
            extract_date=extract_date,
            note=DEMO_NOTE,
        )
        recorded += 1
    return recorded
