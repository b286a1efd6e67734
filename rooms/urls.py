from django.urls import path

from rooms import views

app_name = "rooms"
urlpatterns = [
    path("", views.room_list, name="list"),
    path("new/", views.room_new, name="new"),
    path("<int:room_id>/", views.room_page, name="room"),
]
