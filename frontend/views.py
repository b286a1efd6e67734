"""Server-rendered pages of the shell: landing, register, login, logout, home, language."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.login_protection import lockout_message, lockout_seconds, login_locked_out
from accounts.models import Role, User
from accounts.services import user_register, user_set_preferences
from accounts.services.deletion import AccountDeletionError, account_delete
from accounts.services.links import site_base
from events.selectors import events_for_user
from frontend.forms import ROLE_CHOICES, RegisterForm
from frontend.navigation import links_for_role
from frontend.notification_views import professional_agenda
from gallery.models import WitnessProfile
from gallery.selectors import student_interest_ids
from safeguarding.verification import verification_standing

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
HOME_EVENTS = 3


def _signed_in_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def landing(request: HttpRequest) -> HttpResponse:
    if _signed_in_user(request):
        return redirect("frontend:home")
    return render(request, "frontend/landing.html")


def register(request: HttpRequest) -> HttpResponse:
    if _signed_in_user(request):
        return redirect("frontend:home")
    wanted_role = request.GET.get("role")
    initial = {"role": wanted_role} if wanted_role in dict(ROLE_CHOICES) else {}
    form = RegisterForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(
                username=data["username"],
                password=data["password"],
                role=data["role"],
                display_name=data["display_name"],
                birth_year=data["birth_year"],
                preferred_language=get_language(),
                email=data["email"],
                site=site_base(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome to Backstage, %(name)s!") % {"name": user.display_name}
            )
            return redirect("frontend:home")
    return render(request, "frontend/register.html", {"form": form})


class SignInView(LoginView):
    """The form authenticates with the request (AuthenticationForm does), so the login
    protection counts its attempts with the API's; a locked-out attempt says so."""

    template_name = "frontend/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if not login_locked_out(self.request):
            return super().form_invalid(form)
        # The lockout replaces "wrong username or password": even the right one is refused.
        form.errors.pop(NON_FIELD_ERRORS, None)
        form.add_error(None, ValidationError(lockout_message(), code="locked_out"))
        response = super().form_invalid(form)
        response.status_code = 429
        response["Retry-After"] = str(lockout_seconds())
        return response


class SignOutView(LogoutView):
    """POST only (Django's LogoutView refuses GET): a link cannot sign anybody out."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out. See you soon!"))
        return response


HOME_TEMPLATES: dict[str, str] = {
    Role.STUDENT: "frontend/home/student.html",
    Role.PROFESSIONAL: "frontend/home/professional.html",
    Role.ORGANISER: "frontend/home/organiser.html",
    Role.MODERATOR: "frontend/home/moderator.html",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    assert user is not None  # noqa: S101  (login_required guarantees it)
    template = HOME_TEMPLATES.get(user.role, "frontend/home/student.html")
    context: dict[str, Any] = {"links": links_for_role(user.role)}
    if user.role in (Role.STUDENT, Role.PROFESSIONAL):
        # Their speed-meeting events not ended yet (live first): the card links to each page.
        upcoming = list(events_for_user(user=user)[:HOME_EVENTS])
        context["home_events"] = sorted(upcoming, key=lambda event: event.status == "draft")
    if user.role == Role.STUDENT:
        context["has_interests"] = bool(student_interest_ids(user=user))
    elif user.role == Role.PROFESSIONAL:
        context["has_profile"] = WitnessProfile.objects.filter(user=user).exists()
        context["verification"] = verification_standing(professional=user)
        context.update(professional_agenda(user=user))
    return render(request, template, context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponseBase:
    """Django's set_language (cookie, safe `next`), and the user's stored preference."""
    user = _signed_in_user(request)
    language = request.POST.get("language", "")
    if language not in LANGUAGE_CODES:
        # Django's view accepts any language it has files for (German, ...): not ours.
        next_url = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return HttpResponseRedirect(next_url if safe else "/")
    if user is not None:
        user_set_preferences(user=user, preferred_language=language)
    return django_set_language(request)


@login_required
def settings_privacy(request: HttpRequest) -> HttpResponse:
    """Settings, privacy: download one's data (the API's export) and delete one's account,
    confirmed with the password; then signed out, back on the landing page."""
    user = _signed_in_user(request)
    assert user is not None  # noqa: S101  (login_required guarantees it)
    error = ""
    if request.method == "POST":
        try:
            account_delete(user=user, password=request.POST.get("password", "")[:128])
        except AccountDeletionError as exc:
            error = exc.message
        else:
            logout(request)
            messages.success(
                request, _("Your account is deleted. Thank you for your time on Backstage.")
            )
            return redirect("frontend:landing")
    context = {"error": error, "retention_days": settings.CHAT_RETENTION_DAYS}
    return render(request, "frontend/settings_privacy.html", context, status=400 if error else 200)
