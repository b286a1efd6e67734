import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory

from gallery.models import Sector, WitnessProfile
from gallery.selectors import visible_profiles
from tests.config.test_settings import run_python

User = get_user_model()


@pytest.mark.django_db
def test_healthz_reports_database_and_channel_layer() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_healthz_is_503_when_redis_is_unreachable() -> None:
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/healthz');"
        "print(r.status_code, r.json()['channel_layer'])"
    )
    # Port 9 (discard) has no Redis: the layer round trip must fail, not hang.
    result = run_python(
        code, {"DATABASE_URL": "sqlite:///:memory:", "REDIS_URL": "redis://127.0.0.1:9/0"}
    )
    assert result.stdout.strip().splitlines()[-1] == "503 unreachable", result.stderr


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_accounts_log_in(settings) -> None:
    settings.DEBUG = True  # the test runner turns it off; make run has it on
    call_command("seed_demo")
    first = {u.username: (u.pk, u.role, u.verified) for u in User.objects.all()}
    call_command("seed_demo")
    second = {u.username: (u.pk, u.role, u.verified) for u in User.objects.all()}
    assert first == second
    assert first["demo-pro"][1:] == ("professional", True)
    assert first["demo-student"][1] == "student"
    assert first["demo-organiser"][1] == "organiser"
    assert first["demo-moderator"][1] == "moderator"
    for username in ("demo-pro", "demo-student", "demo-organiser", "demo-moderator"):
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password="backstage-demo") is not None
    assert WitnessProfile.objects.count() >= 30
    # Only verified professionals show; the demo has a couple of unverified ones on purpose.
    assert visible_profiles().count() < WitnessProfile.objects.count()
    assert len(set(visible_profiles().values_list("sector", flat=True))) == Sector.objects.count()


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()
