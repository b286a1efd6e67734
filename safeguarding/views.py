"""Safeguarding pages: the moderators' queue and the read-only record of a reported target.
(The report form lives on the page of what is reported: chat's conversation page.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import request_user
from accounts.models import User
from safeguarding import selectors, services
from safeguarding.access import is_moderator
from safeguarding.models import RESOLUTION_MAX_LENGTH


def _moderator(request: HttpRequest) -> User:
    user = request_user(request)
    if not is_moderator(user):
        raise Http404  # the queue's existence is not advertised to other roles
    return user


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
    report = selectors.report_get(report_id=report_id)
    if report is None:
        raise Http404
    context = {
        "report": report,
        "record": selectors.report_record(report=report),
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
