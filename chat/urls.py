from django.urls import path

from chat import api, views

app_name = "chat"
urlpatterns = [
    path("api/contacts/", api.ContactRequestListView.as_view(), name="api_contacts"),
    path(
        "api/contacts/<int:request_id>/accept/",
        api.ContactRequestAcceptView.as_view(),
        name="api_contact_accept",
    ),
    path(
        "api/contacts/<int:request_id>/decline/",
        api.ContactRequestDeclineView.as_view(),
        name="api_contact_decline",
    ),
    path("api/conversations/", api.ConversationListView.as_view(), name="api_conversations"),
    path(
        "api/conversations/unread/",
        api.UnreadConversationsView.as_view(),
        name="api_conversations_unread",
    ),
    path(
        "api/conversations/<int:conversation_id>/messages/",
        api.MessageListView.as_view(),
        name="api_messages",
    ),
    path("chats/", views.inbox, name="inbox"),
    path("chats/<int:conversation_id>/", views.conversation, name="conversation"),
    path("chats/<int:conversation_id>/report/", views.report_create, name="report_create"),
    path("chats/contact/<int:professional_id>/", views.contact_request, name="contact_request"),
    path(
        "chats/requests/<int:request_id>/accept/",
        views.contact_decide,
        {"decision": "accept"},
        name="contact_accept",
    ),
    path(
        "chats/requests/<int:request_id>/decline/",
        views.contact_decide,
        {"decision": "decline"},
        name="contact_decline",
    ),
]
