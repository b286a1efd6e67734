"""Chat pages: the inbox, a conversation (with its report form), and the contact-request
form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import request_user
from accounts.models import User
from chat import selectors, services
from chat.access import CONVERSATION, ChatAccessError, access_conversation
from chat.models import CONTACT_MESSAGE_MAX_LENGTH
from gallery.photos import photo_urls
from safeguarding import services as safeguarding_services
from safeguarding.models import REPORT_DETAILS_MAX_LENGTH, ReportReason


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    conversations = selectors.conversation_list(user=user)
    people = {member["id"] for item in conversations for member in item["members"]}
    context = {
        "conversations": conversations,
        "requests": selectors.contact_request_list(user=user, status="pending")[:50],
        "photos": photo_urls(people, "small"),  # the avatars, in one query
    }
    return render(request, "chat/inbox.html", context)


@login_required
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    user = request_user(request)
    try:
        chat = access_conversation(user=user, topic=f"dm:{conversation_id}")
    except ChatAccessError:
        raise Http404 from None
    members = [m for m in selectors.conversation_members(conversation=chat) if m["id"] != user.pk]
    context = {
        "conversation": chat,
        "members": members,
        "report_reasons": ReportReason.choices,
        "photos": photo_urls([member["id"] for member in members], "small"),
    }
    return render(request, "chat/conversation.html", context)


@login_required
def contact_request(request: HttpRequest, professional_id: int) -> HttpResponse:
    user = request_user(request)
    professional = User.objects.filter(pk=professional_id, role="professional").first()
    if professional is None:
        raise Http404
    error = ""
    text = ""
    if request.method == "POST":
        text = request.POST.get("message", "")[:CONTACT_MESSAGE_MAX_LENGTH]
        try:
            services.contact_request_create(student=user, professional=professional, message=text)
        except services.ChatError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your request was sent."))
            return redirect("chat:inbox")
    context = {
        "professional": professional,
        "error": error,
        "text": text,
        "max_length": CONTACT_MESSAGE_MAX_LENGTH,
    }
    return render(request, "chat/contact_request.html", context, status=400 if error else 200)


@require_POST
@login_required
def contact_decide(request: HttpRequest, request_id: int, decision: str) -> HttpResponse:
    """The professional's accept or decline buttons in the inbox."""
    user = request_user(request)
    try:
        if decision == "accept":
            accepted = services.contact_request_accept(professional=user, request_id=request_id)
            assert accepted.conversation is not None  # noqa: S101  (set by the service)
            return redirect("chat:conversation", conversation_id=accepted.conversation.pk)
        services.contact_request_decline(professional=user, request_id=request_id)
        messages.success(request, _("The request was declined."))
    except services.ChatError as exc:
        messages.error(request, exc.message)
    return redirect("chat:inbox")


def _optional_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@require_POST
@login_required
def report_create(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The report form of the conversation page (a whole conversation or one message)."""
    try:
        safeguarding_services.report_create(
            reporter=request_user(request),
            target_kind=CONVERSATION,
            target_id=conversation_id,
            item_id=_optional_id(request.POST.get("message")),
            reason=request.POST.get("reason", ""),
            details=request.POST.get("details", "")[:REPORT_DETAILS_MAX_LENGTH],
        )
    except safeguarding_services.ReportError as exc:
        if exc.code == "forbidden":
            raise Http404 from None
        messages.error(request, _("Your report was not sent: choose a reason."))
    else:
        messages.success(
            request, _("Thank you. A moderator will look at your report as soon as possible.")
        )
    return redirect("chat:conversation", conversation_id=conversation_id)
