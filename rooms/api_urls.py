"""REST routes of the rooms, under /api/ (the page routes are rooms/urls.py)."""

from django.urls import path

from rooms import api

app_name = "rooms_api"
urlpatterns = [
    path("rooms/", api.RoomListView.as_view(), name="rooms"),
    path("rooms/<int:room_id>/", api.RoomDetailView.as_view(), name="room"),
    path("rooms/<int:room_id>/invites/", api.RoomInviteView.as_view(), name="invites"),
    path("rooms/<int:room_id>/end/", api.RoomEndView.as_view(), name="end"),
    path(
        "rooms/<int:room_id>/invitation/dismiss/",
        api.RoomInvitationDismissView.as_view(),
        name="invitation-dismiss",
    ),
]
