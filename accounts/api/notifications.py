"""The message centre over the API: the caller's own messages, and marking them read."""

from __future__ import annotations

from typing import Any

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.api.filtering import ApiFilterSet
from accounts.api.permissions import ActionPermission
from accounts.models import Notification
from accounts.notifications import render
from accounts.services import notifications as services


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="stable code of the kind of message")
    title = serializers.SerializerMethodField(help_text="in the request's language")
    body = serializers.SerializerMethodField(help_text="in the request's language")
    params = serializers.DictField(help_text="the figures and names of the message")
    link = serializers.CharField(help_text="path of the page the message is about, or empty")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField())
    def get_title(self, notification: Notification) -> str:
        return self._words(notification)[0]

    @extend_schema_field(serializers.CharField())
    def get_body(self, notification: Notification) -> str:
        return self._words(notification)[1]

    def _words(self, notification: Notification) -> tuple[str, str]:
        """Rendered once per message (a list reuses this serializer for every row)."""
        rendered: dict[int, tuple[str, str]] = self.__dict__.setdefault("_rendered", {})
        if notification.pk not in rendered:
            rendered[notification.pk] = render(notification.kind, notification.params)
        return rendered[notification.pk]


class NotificationFilter(ApiFilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull",
                                          help_text="true: unread only; false: read only")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class NotificationListApi(generics.ListAPIView):
    """The caller's messages, newest first (nobody reads another's)."""

    permission_classes = [ActionPermission]
    access_action = "notification.view"
    serializer_class = NotificationOutputSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at", "id"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Notification.objects.none()
        return selectors.notifications_of(actor=self.request.user)


class NotificationReadApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "notification.read"

    @extend_schema(request=None, responses={200: NotificationOutputSerializer})
    def post(self, request: Any, notification_id: int) -> Response:
        notification = get_object_or_404(selectors.notifications_of(actor=request.user),
                                         pk=notification_id)
        read = services.notification_mark_read(actor=request.user,
                                               notification_id=notification.pk,
                                               now=timezone.now())
        return Response(NotificationOutputSerializer(read).data)


class NotificationsReadAllApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "notification.read"

    class NotificationsReadAllOutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField(help_text="how many were unread")

    @extend_schema(request=None, responses={200: NotificationsReadAllOutputSerializer})
    def post(self, request: Any) -> Response:
        marked = services.notifications_mark_all_read(actor=request.user, now=timezone.now())
        return Response({"marked": marked})
