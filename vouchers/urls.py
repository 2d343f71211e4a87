from __future__ import annotations

from django.urls import path

from vouchers import views

urlpatterns = [
    path("", views.home, name="home"),
]
