from __future__ import annotations

from django.urls import path

from accounts.api import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("regions/", views.RegionListApi.as_view(), name="region-list"),
    path("cities/", views.CityListApi.as_view(), name="city-list"),
]
