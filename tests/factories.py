import factory
from django.contrib.auth.hashers import make_password

from accounts.models import User
from gallery.models import Interest, Sector, Skill, WitnessProfile

DEFAULT_PASSWORD = "a-long-test-passphrase"
# Hashing once keeps factories fast: PBKDF2 per user would dominate the suite.
_HASHED_DEFAULT_PASSWORD = make_password(DEFAULT_PASSWORD)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name")
    role = "student"
    password = _HASHED_DEFAULT_PASSWORD


def make_witness(
    user: User | None = None,
    *,
    job_title: str,
    sector: str,
    skills: tuple[str, ...] = (),
    interests: tuple[str, ...] = (),
    verified: bool = True,
    **fields: object,
) -> WitnessProfile:
    """A witness profile made through the service, so its search columns are built."""
    from gallery import services

    owner: User = user or UserFactory.create(role="professional", verified=verified)
    data = services.WitnessProfileData(
        job_title=job_title,
        sector=Sector.objects.get(slug=sector),
        skills=list(Skill.objects.filter(slug__in=skills)),
        interests=list(Interest.objects.filter(slug__in=interests)),
        **fields,  # type: ignore[arg-type]
    )
    return services.witness_profile_save(user=owner, data=data)
