from django.urls import path

from safeguarding import api, views

app_name = "safeguarding"
urlpatterns = [
    path("api/reports/", api.ReportListView.as_view(), name="api_reports"),
    path("api/reports/<int:report_id>/close/", api.ReportCloseView.as_view(), name="api_close"),
    path("moderation/reports/", views.report_queue, name="reports"),
    path("moderation/reports/<int:report_id>/", views.report_detail, name="report"),
    path("moderation/reports/<int:report_id>/close/", views.report_close, name="close"),
]
