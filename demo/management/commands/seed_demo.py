"""Load the demo data of api.md. Idempotent: a second run changes nothing."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from events.demo import demo_event_seed
from gallery.demo import DEMO_PASSWORD, demo_accounts_seed, demo_profiles_seed
from gallery.demo_photos import demo_photos_seed
from rooms.demo import demo_room_seed
from safeguarding.verification_demo import demo_verification_seed
from scheduling.demo import demo_slots_seed


def _demo_professionals() -> list[str]:
    from gallery.data.demo_profiles import DEMO_PROFILES

    return ["demo-pro", *(profile.username for profile in DEMO_PROFILES)]


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts and data. Refused when DEBUG is off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (a staging server, never a real one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: demo accounts with a published password must not exist in "
                "production. Pass --allow-production for a staging server."
            )
        with transaction.atomic():
            users = demo_accounts_seed()
            profiles = demo_profiles_seed()
            demo_photos_seed(_demo_professionals())
            demo_verification_seed(_demo_professionals())
            demo_slots_seed()
            demo_room_seed()
            event = demo_event_seed()
        names = ", ".join(user.username for user in users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {profiles} witness profiles. Accounts: {names} "
                f"(password {DEMO_PASSWORD})."
            )
        )
        if event is not None:
            self.stdout.write(
                f"Speed-meeting event ready to start: {event.title!r}, organised by "
                "demo-organiser, with demo-student-2 to demo-student-8 (same password)."
            )
