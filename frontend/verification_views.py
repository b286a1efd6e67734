"""The verification queue: organisers and moderators see each professional waiting for a
decision with their witness profile, and verify, ask for more, refuse or withdraw
(safeguarding.verification holds the rules; this page reads the gallery profile, which
safeguarding cannot)."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import request_user
from accounts.models import User
from gallery.models import WitnessProfile
from safeguarding import verification
from safeguarding.verification_models import (
    VERIFICATION_MESSAGE_MAX_LENGTH,
    VERIFICATION_NOTE_MAX_LENGTH,
    VerificationLevel,
)

QUEUE_PAGE_SIZE = 50
RECENT_DECISIONS = 30


class VerifyForm(forms.Form):
    identity_seen = forms.BooleanField(
        error_messages={"required": gettext_lazy("Confirm that you saw their identity document.")}
    )
    level = forms.ChoiceField(
        choices=VerificationLevel.choices,
        error_messages={"required": gettext_lazy("Choose a level of check.")},
    )
    extract_date = forms.DateField(required=False)
    note = forms.CharField(required=False, max_length=VERIFICATION_NOTE_MAX_LENGTH)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The API may record an enhanced check without the date; the page asks for it.
        if data.get("level") == VerificationLevel.ENHANCED and not data.get("extract_date"):
            self.add_error("extract_date", _("Give the date printed on the extract."))
        return data


class AskForm(forms.Form):
    message = forms.CharField(
        max_length=VERIFICATION_MESSAGE_MAX_LENGTH,
        error_messages={"required": gettext_lazy("Write what the professional should send.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=VERIFICATION_MESSAGE_MAX_LENGTH,
        error_messages={"required": gettext_lazy("Write the reason the professional will read.")},
    )


FORMS: dict[str, type[forms.Form]] = {
    "verify": VerifyForm,
    "ask": AskForm,
    "refuse": ReasonForm,
    "withdraw": ReasonForm,
}


@dataclass
class Card:
    """One waiting professional on the page, with what went wrong on their last form."""

    professional: User
    profile: WitnessProfile | None
    standing: verification.VerificationStanding
    action: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


def _decider(request: HttpRequest) -> User:
    user = request_user(request)
    if not verification.may_decide_verification(user):
        raise Http404  # the queue is not advertised to other roles
    return user


def _page(
    request: HttpRequest,
    *,
    failed: Card | None = None,
    withdraw_error: tuple[int, str] | None = None,
) -> HttpResponse:
    professionals = list(verification.verification_queue()[:QUEUE_PAGE_SIZE])
    profiles = {
        profile.user_id: profile
        for profile in WitnessProfile.objects.select_related("sector").filter(
            user__in=professionals
        )
    }
    cards = []
    for professional in professionals:
        if failed is not None and failed.professional.pk == professional.pk:
            cards.append(failed)
            continue
        cards.append(
            Card(
                professional=professional,
                profile=profiles.get(professional.pk),
                standing=verification.verification_standing(professional=professional),
            )
        )
    decisions = verification.recent_decisions(limit=RECENT_DECISIONS)
    # A withdraw form only on a decision that is still the professional's standing: in a
    # newest-first list, the first decision seen of each professional is their latest.
    seen: set[int] = set()
    withdrawable: set[int] = set()
    for decision in decisions:
        if decision.professional_id in seen:
            continue
        seen.add(decision.professional_id)
        if decision.status == "verified" and decision.professional.verified:
            withdrawable.add(decision.pk)
    context = {
        "cards": cards,
        "queue_total": verification.verification_queue().count(),
        "decisions": decisions,
        "withdrawable": withdrawable,
        "withdraw_error": withdraw_error,
        "levels": VerificationLevel.choices,
        "note_max_length": VERIFICATION_NOTE_MAX_LENGTH,
        "message_max_length": VERIFICATION_MESSAGE_MAX_LENGTH,
    }
    status = 400 if failed is not None or withdraw_error is not None else 200
    return render(request, "frontend/verification.html", context, status=status)


@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    _decider(request)
    return _page(request)


def _apply(decider: User, professional: User, action: str, data: dict[str, Any]) -> str:
    """Run the decision; the words of the confirmation."""
    name = professional.display_name or professional.username
    if action == "verify":
        verification.verify(
            decider=decider,
            professional_id=professional.pk,
            level=data["level"],
            identity_seen=data["identity_seen"],
            extract_date=data["extract_date"],
            note=data["note"],
        )
        return _("%(name)s is verified.") % {"name": name}
    if action == "ask":
        verification.request_more_information(
            decider=decider, professional_id=professional.pk, message=data["message"]
        )
        return _("%(name)s is asked for more information.") % {"name": name}
    if action == "refuse":
        verification.refuse(decider=decider, professional_id=professional.pk, reason=data["reason"])
        return _("The verification of %(name)s is refused.") % {"name": name}
    verification.withdraw(decider=decider, professional_id=professional.pk, reason=data["reason"])
    return _("The verification of %(name)s is withdrawn.") % {"name": name}


@require_POST
@login_required
def verification_decide(request: HttpRequest, user_id: int) -> HttpResponse:
    decider = _decider(request)
    action = request.POST.get("action", "")
    form_class = FORMS.get(action)
    if form_class is None:
        raise Http404
    try:
        professional = verification.professional_get(professional_id=user_id)
    except verification.VerificationError:
        raise Http404 from None
    form = form_class(request.POST)
    errors: dict[str, str] = {}
    if form.is_valid():
        try:
            confirmation = _apply(decider, professional, action, form.cleaned_data)
        except verification.VerificationError as exc:
            errors[exc.field or "__all__"] = exc.message
        else:
            messages.success(request, confirmation)
            return redirect("frontend:verification")
    else:
        errors = {name: str(problems[0]) for name, problems in form.errors.items()}
    if action == "withdraw":
        return _page(request, withdraw_error=(professional.pk, " ".join(errors.values())))
    failed = Card(
        professional=professional,
        profile=WitnessProfile.objects.select_related("sector").filter(user=professional).first(),
        standing=verification.verification_standing(professional=professional),
        action=action,
        errors=errors,
        values={name: request.POST.get(name, "") for name in form_class.base_fields},
    )
    return _page(request, failed=failed)
