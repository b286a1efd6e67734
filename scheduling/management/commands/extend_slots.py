"""Keep weekly availability materialised as far ahead as students may book (beat does it daily)."""

from typing import Any

from django.core.management.base import BaseCommand

from scheduling.services.availability import slots_extend


class Command(BaseCommand):
    help = "Create the slots of open-ended weekly availability windows up to the horizon."

    def handle(self, *args: Any, **options: Any) -> None:
        created = slots_extend()
        self.stdout.write(f"Created {created} slot(s).")
