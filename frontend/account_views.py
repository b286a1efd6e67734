"""Settings, account (name, e-mail, language, time zone, password), the e-mail confirmation
link, and the forgotten-password pages. The rules live in accounts.services."""

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services import password_change, user_update
from accounts.services.email_confirmation import (
    EmailConfirmationError,
    email_confirm,
    email_confirmation_send,
)
from accounts.services.links import register_account_page, site_base
from accounts.services.password_reset import (
    password_reset_complete,
    password_reset_request,
    password_reset_sent_message,
)
from core.client_ip import ClientAddressScopedRateThrottle
from frontend.forms import (
    AccountForm,
    NewPasswordForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
)


def register_pages() -> None:
    """Tell accounts where its e-mails' links lead (FrontendConfig.ready)."""
    register_account_page(
        "email_confirm", lambda token: reverse("frontend:email_confirm", args=[token])
    )
    register_account_page(
        "password_reset",
        lambda uidb64, token: reverse("frontend:password_reset_confirm", args=[uidb64, token]),
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required guarantees it)
    return user


def _account_form(user: User, data: Any = None) -> AccountForm:
    initial = {
        "display_name": user.display_name,
        "email": user.email,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
    }
    return AccountForm(data, initial=initial, current_zone=user.time_zone)


def _render(
    request: HttpRequest,
    user: User,
    *,
    account_form: AccountForm | None = None,
    password_form: PasswordChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "account_form": account_form or _account_form(user),
        "password_form": password_form or PasswordChangeForm(),
        "email_confirmed": bool(user.email) and user.email_verified_at is not None,
    }
    return render(request, "frontend/settings_account.html", context, status=status)


@login_required
def settings_account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        return _render(request, user)
    if request.POST.get("action") == "password":
        return _change_password(request, user)
    form = _account_form(user, request.POST)
    if not form.is_valid():
        return _render(request, user, account_form=form, status=400)
    old_email, old_language = user.email, user.preferred_language
    try:
        user_update(user=user, site=site_base(request), **form.cleaned_data)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _render(request, user, account_form=form, status=400)
    messages.success(request, _("Your settings are saved."))
    if user.email and user.email != old_email:
        messages.info(
            request,
            _("A confirmation link is on its way to %(email)s.") % {"email": user.email},
        )
    response = redirect("frontend:settings_account")
    if user.preferred_language != old_language:
        # The language chosen in this browser (the language bar's cookie) follows the setting.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.preferred_language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


def _change_password(request: HttpRequest, user: User) -> HttpResponse:
    form = PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            # This session stays (a new key, signed with the new hash); the others end.
            update_session_auth_hash(request, user)
            messages.success(
                request,
                _(
                    "Your password is changed. Every other device where you were logged in is "
                    "now logged out."
                ),
            )
            return redirect("frontend:settings_account")
    return _render(request, user, password_form=form, status=400)


@login_required
@require_POST
def email_confirmation_resend(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if email_confirmation_send(user=user, site=site_base(request)):
        messages.info(
            request,
            _("A confirmation link is on its way to %(email)s.") % {"email": user.email},
        )
    return redirect("frontend:settings_account")


def email_confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail. It may be opened on a device where nobody is
    logged in: the result is a message on the next page."""
    try:
        email_confirm(token=token)
    except EmailConfirmationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
    if request.user.is_authenticated:
        return redirect("frontend:settings_account")
    return redirect("frontend:login")


def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer never tells whether an account uses the address."""
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The API's limit, counted together with it, per client address.
        throttle = ClientAddressScopedRateThrottle()
        if not throttle.allow_request(request, SimpleNamespace(throttle_scope="password_reset")):  # type: ignore[arg-type]
            form.add_error(None, _("Too many requests from here. Try again in an hour."))
            return render(request, "frontend/password_reset.html", {"form": form}, status=429)
        password_reset_request(email=form.cleaned_data["email"], site=site_base(request))
        return redirect("frontend:password_reset_sent")
    status = 400 if form.is_bound else 200
    return render(request, "frontend/password_reset.html", {"form": form}, status=status)


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    context = {
        "sent_message": password_reset_sent_message(),
        "reset_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    }
    return render(request, "frontend/password_reset_sent.html", context)


class NewPasswordView(PasswordResetConfirmView):
    """The link in the reset e-mail (Django's view: the token moves into the session, out of
    the address bar), then the new password; every session and API token of the account ends,
    and the person logs in with it."""

    template_name = "frontend/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("frontend:login")

    def form_valid(self, form: "SetPasswordForm[User]") -> HttpResponse:
        try:
            password_reset_complete(user=form.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc.message_dict.get("new_password", exc.messages))
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password is changed. Log in with the new one."))
        return HttpResponseRedirect(str(self.success_url))
