from django.urls import path

from realtime import api

urlpatterns = [
    path("ws-ticket/", api.WsTicketView.as_view(), name="ws-ticket"),
]
