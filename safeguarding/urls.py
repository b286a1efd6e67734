from django.urls import path

from safeguarding import api, verification_api, views

app_name = "safeguarding"
urlpatterns = [
    path("api/reports/", api.ReportListView.as_view(), name="api_reports"),
    path("api/reports/<int:report_id>/close/", api.ReportCloseView.as_view(), name="api_close"),
    path(
        "api/professionals/<int:user_id>/verify/",
        verification_api.VerifyView.as_view(),
        name="api_verify",
    ),
    path(
        "api/professionals/<int:user_id>/unverify/",
        verification_api.UnverifyView.as_view(),
        name="api_unverify",
    ),
    path(
        "api/professionals/<int:user_id>/request-information/",
        verification_api.RequestInformationView.as_view(),
        name="api_verification_request_information",
    ),
    path(
        "api/professionals/<int:user_id>/refuse/",
        verification_api.RefuseView.as_view(),
        name="api_verification_refuse",
    ),
    path(
        "api/professionals/<int:user_id>/verification/",
        verification_api.StandingView.as_view(),
        name="api_verification_standing",
    ),
    path(
        "api/verification/queue/",
        verification_api.QueueView.as_view(),
        name="api_verification_queue",
    ),
    path("moderation/reports/", views.report_queue, name="reports"),
    path("moderation/reports/<int:report_id>/", views.report_detail, name="report"),
    path("moderation/reports/<int:report_id>/close/", views.report_close, name="close"),
]
