from __future__ import annotations

from django.urls import path

from reporting.api import views

urlpatterns = [
    path("reports/", views.ReportRunListApi.as_view(), name="report-list"),
    path("reports/<int:pk>/", views.ReportRunDetailApi.as_view(), name="report-detail"),
    path("reports/<int:pk>/download/<str:fmt>/", views.ReportRunDownloadApi.as_view(),
         name="report-download"),
]
