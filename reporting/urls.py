from __future__ import annotations

from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("annual/", views.request_annual, name="request_annual"),
    path("reconciliation/", views.request_reconciliation, name="request_reconciliation"),
    path("spot-checks/", views.request_spot_checks, name="request_spot_checks"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress.json", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/download/<str:fmt>/", views.run_download, name="run_download"),
    path("treasury/", views.treasury_upload, name="treasury_upload"),
    path("treasury/repayments/", views.repayment_upload, name="repayment_upload"),
    path("discrepancies/<int:pk>/resolve/", views.discrepancy_resolve,
         name="discrepancy_resolve"),
]
