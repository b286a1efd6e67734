"""The help texts of Django's password validators, listed so that `makemessages` copies them
into Backstage's catalogues. Ours take precedence over Django's (LOCALE_PATHS), whose French
and Dutch say "votre"/"uw": the sign-up page speaks to students, and the guide
(docs/translation.md) phrases shared text impersonally. Nothing calls these at run time."""

from django.utils.translation import gettext_noop, ngettext_lazy

# The msgids must be Django's exactly, typographic apostrophes included.
# ruff: noqa: RUF001

PASSWORD_HELP_TEXTS = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
)
