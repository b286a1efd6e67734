import factory
from django.contrib.auth.hashers import make_password

from profiles.models import User

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
