"""Safeguarding pages: the report form of a conversation page, the moderators' queue and the
read-only record of a reported conversation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from safeguarding import selectors, services
from safeguarding.access import is_moderator
from safeguarding.models import REPORT_DETAILS_MAX_LENGTH, RESOLUTION_MAX_LENGTH, Report


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  (login_required guarantees it)
    return request.user


def _moderator(request: HttpRequest) -> User:
    user = _user(request)
    if not is_moderator(user):
        raise Http404  # the queue's existence is not advertised to other roles
    return user


def _optional_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@require_POST
@login_required
def report_create(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The report form of the conversation page (a whole conversation or one message)."""
    try:
        services.report_create(
            reporter=_user(request),
            conversation_id=conversation_id,
            message_id=_optional_id(request.POST.get("message")),
            reason=request.POST.get("reason", ""),
            details=request.POST.get("details", "")[:REPORT_DETAILS_MAX_LENGTH],
        )
    except services.ReportError as exc:
        if exc.code == "forbidden":
            raise Http404 from None
        messages.error(request, _("Your report was not sent: choose a reason."))
    else:
        messages.success(
            request, _("Thank you. A moderator will look at your report as soon as possible.")
        )
    return redirect("chat:conversation", conversation_id=conversation_id)


@login_required
def report_queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    status = request.GET.get("status", "open")
    context = {
        "reports": selectors.report_list(status=status)[:200],
        "status": status if status in ("open", "closed") else "all",
    }
    return render(request, "safeguarding/reports.html", context)


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    _moderator(request)
    report = (
        Report.objects.select_related("reporter", "conversation", "message", "closed_by")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404
    transcript = selectors.conversation_transcript(
        conversation=report.conversation, reported_message_id=report.message_id
    )
    context = {
        "report": report,
        "transcript": transcript,
        "resolution_max_length": RESOLUTION_MAX_LENGTH,
    }
    return render(request, "safeguarding/report_detail.html", context)


@require_POST
@login_required
def report_close(request: HttpRequest, report_id: int) -> HttpResponse:
    moderator = _moderator(request)
    try:
        services.report_close(
            moderator=moderator,
            report_id=report_id,
            resolution=request.POST.get("resolution", "")[:RESOLUTION_MAX_LENGTH],
        )
    except services.ReportError as exc:
        if exc.code == "not_found":
            raise Http404 from None
        messages.error(request, _("This report is already closed."))
    else:
        messages.success(request, _("The report is closed."))
    return redirect("safeguarding:reports")
