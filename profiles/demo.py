"""Demo accounts for `seed_demo`. Only loaded on request, never in production."""

from dataclasses import dataclass

from profiles.models import Role, User

DEMO_PASSWORD = "backstage-demo"  # noqa: S105  (documented in api.md; demo data only)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    verified: bool = False
    birth_year: int | None = None
    preferred_language: str = "fr"


DEMO_ACCOUNTS = [
    DemoAccount("demo-pro", "Camille Dubois", Role.PROFESSIONAL, verified=True),
    DemoAccount("demo-student", "Yanis El Amrani", Role.STUDENT, birth_year=2009),
    DemoAccount(
        "demo-organiser", "Sofie Janssens", Role.ORGANISER, verified=True, preferred_language="nl"
    ),
    DemoAccount(
        "demo-moderator", "Alex Martin", Role.MODERATOR, verified=True, preferred_language="en"
    ),
]


def demo_accounts_seed() -> list[User]:
    """Create or reset the demo accounts; running it twice leaves the same rows."""
    users = []
    for account in DEMO_ACCOUNTS:
        user, _created = User.objects.update_or_create(
            username=account.username,
            defaults={
                "display_name": account.display_name,
                "role": account.role,
                "verified": account.verified,
                "birth_year": account.birth_year,
                "preferred_language": account.preferred_language,
                "is_active": True,
                "is_staff": account.role == Role.MODERATOR,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)
    return users
