"""REST routes of events (api.md), included by events/urls.py at the site's root."""

from django.urls import URLPattern, path

from events import api, api_controls

_EVENT = "api/events/<int:event_id>/"

urlpatterns: list[URLPattern] = [
    path("api/events/", api.EventListView.as_view(), name="api-events"),
    path("api/events/join/", api.JoinView.as_view(), name="api-join"),
    path(_EVENT, api.EventDetailView.as_view(), name="api-event"),
    path(f"{_EVENT}participants/", api.ParticipantListView.as_view(), name="api-participants"),
    path(
        f"{_EVENT}participants/import/",
        api.ParticipantImportView.as_view(),
        name="api-participants-import",
    ),
    path(
        f"{_EVENT}participants/<int:user_id>/",
        api.ParticipantDetailView.as_view(),
        name="api-participant",
    ),
    path(f"{_EVENT}checkin/", api.CheckInView.as_view(), name="api-checkin"),
    path(f"{_EVENT}forbidden/", api.ForbiddenPairView.as_view(), name="api-forbidden"),
    path(f"{_EVENT}wishes/", api.WishesView.as_view(), name="api-wishes"),
    path(f"{_EVENT}feedback/", api.FeedbackView.as_view(), name="api-feedback"),
    path(f"{_EVENT}start/", api_controls.EventStartView.as_view(), name="api-start"),
    path(f"{_EVENT}pause/", api_controls.EventPauseView.as_view(), name="api-pause"),
    path(f"{_EVENT}resume/", api_controls.EventResumeView.as_view(), name="api-resume"),
    path(f"{_EVENT}next/", api_controls.EventNextView.as_view(), name="api-next"),
    path(f"{_EVENT}end/", api_controls.EventEndView.as_view(), name="api-end"),
    path(f"{_EVENT}extend/", api_controls.EventExtendView.as_view(), name="api-extend"),
    path(f"{_EVENT}announce/", api_controls.EventAnnounceView.as_view(), name="api-announce"),
    path(f"{_EVENT}plan/", api_controls.EventPlanView.as_view(), name="api-plan"),
    path(f"{_EVENT}live/", api_controls.EventLiveView.as_view(), name="api-live"),
    path(f"{_EVENT}summary/", api_controls.EventSummaryView.as_view(), name="api-summary"),
    path(f"{_EVENT}report.csv", api_controls.EventReportView.as_view(), name="api-report"),
]
