from __future__ import annotations

from django.urls import path

from accounts.api import notifications, views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("regions/", views.RegionListApi.as_view(), name="region-list"),
    path("cities/", views.CityListApi.as_view(), name="city-list"),
    path("notifications/", notifications.NotificationListApi.as_view(),
         name="notification-list"),
    path("notifications/<int:notification_id>/read/",
         notifications.NotificationReadApi.as_view(), name="notification-read"),
    path("notifications/read-all/", notifications.NotificationsReadAllApi.as_view(),
         name="notification-read-all"),
]
