"""Demo accounts for `seed_demo`. Only loaded on request, never in production."""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from gallery import services
from gallery.models import Interest, Sector, Skill

DEMO_PASSWORD = "backstage-demo"  # noqa: S105  (documented in api.md; demo data only)


@cache
def _demo_password_hash() -> str:
    # A fixed salt makes the hash the same on every run: one PBKDF2 per seed, not per account,
    # and a plain string comparison tells whether an account still has the demo password.
    return make_password(DEMO_PASSWORD, salt="backstagedemo")


def _set_demo_password(user: User) -> None:
    if user.password != _demo_password_hash():
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])


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
        _set_demo_password(user)
        users.append(user)
    return users


def demo_profiles_seed() -> int:
    """Create or update the demo witness profiles and the demo student's interests."""
    from gallery.data.demo_profiles import DEMO_PROFILES, DemoProfile

    demo_pro = DemoProfile(
        username="demo-pro",
        display_name="Camille Dubois",
        job_title="Infirmière aux urgences pédiatriques",
        sector="health",
        hook="Je soigne des enfants qui arrivent en urgence, et je les fais rire aussi.",
        typical_day=(
            "Je commence à 7 h avec la relève de l'équipe de nuit. Ensuite, tout peut arriver : "
            "une fracture au foot, une forte fièvre, un bébé qui respire mal. Je rassure les "
            "parents, je prépare les soins, je travaille main dans la main avec les médecins. "
            "Le plus dur : les nuits et les situations graves. Le plus beau : un enfant qui "
            "repart en souriant."
        ),
        career_path=(
            (2012, 2015, "Bachelier en soins infirmiers", "Bruxelles / Brussel"),
            (2015, 2016, "Spécialisation en pédiatrie", "Bruxelles / Brussel"),
            (2016, None, "Infirmière aux urgences pédiatriques", "Jette"),
        ),
        training="Bachelier infirmier responsable de soins généraux, puis spécialisation en "
        "pédiatrie et néonatologie.",
        skills=("listening", "first-aid", "stress-management", "teamwork"),
        interests=("helping-people", "music", "children"),
        languages=("fr", "nl", "en"),
        place="Jette",
        employer_type="public",
        formats=("chat", "qa", "one_to_one", "in_person"),
    )
    services.taxonomy_sync()
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    interests = {interest.slug: interest for interest in Interest.objects.all()}
    for demo in [demo_pro, *DEMO_PROFILES]:
        user, _created = User.objects.update_or_create(
            username=demo.username,
            defaults={
                "display_name": demo.display_name,
                "role": Role.PROFESSIONAL,
                "verified": demo.verified,
                "preferred_language": demo.languages[0]
                if demo.languages[0] in ("fr", "nl", "en")
                else "fr",
            },
        )
        _set_demo_password(user)
        services.witness_profile_save(
            user=user,
            data=services.WitnessProfileData(
                job_title=demo.job_title,
                sector=sectors[demo.sector],
                hook=demo.hook,
                employer_type=demo.employer_type,
                skills=[skills[slug] for slug in demo.skills],
                interests=[interests[slug] for slug in demo.interests],
                typical_day=demo.typical_day,
                career_path=[
                    {"start_year": start, "end_year": end, "title": title, "place": place}
                    for start, end, title, place in demo.career_path
                ],
                training=demo.training,
                languages=list(demo.languages),
                place=demo.place,
                video_url=demo.video_url,
                formats=list(demo.formats),
            ),
        )
    student = User.objects.get(username="demo-student")
    services.student_profile_save(
        user=student,
        interests=[interests[slug] for slug in ("drawing", "video-games", "animals")],
        school="Athénée Royal d'Ixelles",
        study_track="5e secondaire, sciences",
    )
    return len(DEMO_PROFILES) + 1
