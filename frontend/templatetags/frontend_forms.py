"""Render form widgets tied to their help text and errors, for screen readers."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


def help_id(field: BoundField) -> str:
    return f"{field.auto_id}_helptext"


def error_id(field: BoundField) -> str:
    return f"{field.auto_id}_error"


@register.simple_tag
def described_widget(field: BoundField, extra_ids: str = "") -> SafeString:
    """The field's widget with aria-describedby naming its help text, its errors and extra_ids.

    The ids follow Django's own (`<id>_helptext`, `<id>_error`), which
    `frontend/includes/field.html` gives the help and error paragraphs.
    """
    ids = []
    if field.help_text:
        ids.append(help_id(field))
    if field.errors:
        ids.append(error_id(field))
    ids.extend((extra_ids or "").split())
    attrs: dict[str, str | bool] = {"aria-describedby": " ".join(ids)} if ids else {}
    return field.as_widget(attrs=attrs)
