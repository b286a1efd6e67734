"""The organiser's pages of a speed-meeting event: create and edit it, its participants and
who must not meet, the check-in list, the live dashboard and the summary
(organiser_setup.py before the event, organiser_live.py during and after it)."""

from django.urls import URLPattern, path

from events.views import organiser_live, organiser_setup

urlpatterns: list[URLPattern] = [
    path("events/new/", organiser_setup.event_new, name="create"),
    path("events/<int:event_id>/manage/", organiser_setup.event_manage, name="manage"),
    path("events/<int:event_id>/manage/edit/", organiser_setup.event_edit, name="edit"),
    path(
        "events/<int:event_id>/manage/participants/add/",
        organiser_setup.participant_add,
        name="participant_add",
    ),
    path(
        "events/<int:event_id>/manage/participants/import/",
        organiser_setup.participants_import,
        name="participants_import",
    ),
    path(
        "events/<int:event_id>/manage/participants/<int:user_id>/remove/",
        organiser_setup.participant_remove,
        name="participant_remove",
    ),
    path(
        "events/<int:event_id>/manage/forbidden/add/",
        organiser_setup.forbidden_add,
        name="forbidden_add",
    ),
    path(
        "events/<int:event_id>/manage/forbidden/<int:pair_id>/remove/",
        organiser_setup.forbidden_remove,
        name="forbidden_remove",
    ),
    path("events/<int:event_id>/checkin/", organiser_setup.event_checkin, name="checkin"),
    path(
        "events/<int:event_id>/checkin/<int:user_id>/",
        organiser_setup.checkin_set,
        name="checkin_set",
    ),
    path("events/<int:event_id>/dashboard/", organiser_live.event_dashboard, name="dashboard"),
    path(
        "events/<int:event_id>/dashboard/tables/",
        organiser_live.dashboard_tables,
        name="dashboard_tables",
    ),
    path(
        "events/<int:event_id>/control/<slug:action>/",
        organiser_live.event_control,
        name="control",
    ),
    path("events/<int:event_id>/extend/", organiser_live.event_extend, name="extend"),
    path("events/<int:event_id>/announce/", organiser_live.event_announce, name="announce"),
    path("events/<int:event_id>/summary/", organiser_live.event_summary, name="summary"),
]
