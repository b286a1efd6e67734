import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_BIRTH_YEAR = 1900


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    PROFESSIONAL = "professional", _("Professional")
    ORGANISER = "organiser", _("Organiser")
    MODERATOR = "moderator", _("Moderator")


# Only these two roles can sign themselves up; organisers and moderators are made by staff.
SELF_SERVICE_ROLES = (Role.STUDENT, Role.PROFESSIONAL)
SELF_SERVICE_ROLE_CHOICES = [(role.value, role.label) for role in SELF_SERVICE_ROLES]

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# The same languages with their names, as model fields offer them (named once in the schema).
LANGUAGE_CHOICES = list(settings.LANGUAGES)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    display_name = models.CharField(_("display name"), max_length=80)
    # Students are often minors: the year (never the full date) is enough to apply age rules.
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Professionals must be verified before they can act with students."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # When the owner followed the confirmation link sent to `email`; cleared when it changes.
    email_verified_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[role.value for role in Role]),
                name="user_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True)
                | models.Q(birth_year__gte=MIN_BIRTH_YEAR),
                name="user_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(preferred_language__in=LANGUAGE_CODES),
                name="user_preferred_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name or self.username} ({self.role})"

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_professional(self) -> bool:
        return self.role == Role.PROFESSIONAL


# Notification models live in their own package; importing them here lets Django see them.
from accounts.notifications.models import (  # noqa: E402
    Notification as Notification,
)
from accounts.notifications.models import (  # noqa: E402
    NotificationPreference as NotificationPreference,
)
from accounts.notifications.models import (  # noqa: E402
    PushSubscription as PushSubscription,
)
