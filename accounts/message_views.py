"""The message centre (消息): a user's own messages, opening one, and the e-mail choices.

Thin views over accounts.services.notifications and accounts.selectors; every message is
rendered in the page's language from its kind and parameters (accounts.notifications).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from accounts import selectors
from accounts.decorators import action_required
from accounts.models import Notification
from accounts.notifications import KINDS
from accounts.notifications import render as render_message
from accounts.portal_forms import PortalForm
from accounts.services import notifications as services


@dataclass(frozen=True)
class ShownMessage:
    pk: int
    title: str
    body: str
    created_at: object
    is_unread: bool
    has_link: bool


@action_required("notification.view")
@require_http_methods(["GET"])
def message_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(selectors.notifications_of(actor=request.user, unread_only=unread_only),
                     20).get_page(request.GET.get("page"))
    shown = [_shown(message) for message in page.object_list]
    return render(request, "accounts/messages.html", {
        "page": page, "shown": shown, "unread_only": unread_only,
        "unread_count": selectors.unread_notification_count(actor=request.user),
    })


@action_required("notification.read")
@require_http_methods(["POST"])
def message_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the message read and go to what it is about (a path on this site only)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(actor=request.user, notification_id=notification.pk,
                                    now=timezone.now())
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("accounts:messages")


@action_required("notification.read")
@require_http_methods(["POST"])
def messages_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request.user, now=timezone.now())
    messages.success(request, _("已将 %(count)s 条消息标为已读。") % {"count": count})
    return redirect("accounts:messages")


class PreferencesForm(PortalForm):
    language = forms.ChoiceField(label=gettext_lazy("邮件语言"), choices=settings.LANGUAGES)

    def __init__(self, *args: object, chosen: dict[str, bool], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for code, kind in KINDS.items():
            self.fields[f"email_{code}"] = forms.BooleanField(
                label=kind.label, required=False,
                initial=chosen.get(code, kind.by_email_by_default))


@action_required("notification.preferences")
@require_http_methods(["GET", "POST"])
def message_preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    chosen = dict(user.notification_preferences.values_list("kind", "by_email"))
    form = PreferencesForm(request.POST or None, chosen=chosen, initial={
        "language": user.language or translation.get_language()})
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(
            actor=user, now=timezone.now(), language=form.cleaned_data["language"],
            by_email={code: form.cleaned_data[f"email_{code}"] for code in KINDS},
        )
        messages.success(request, _("消息设置已保存。"))
        return redirect("accounts:message_preferences")
    return render(request, "accounts/message_preferences.html", {
        "form": form, "kind_fields": [form[f"email_{code}"] for code in KINDS],
    })


def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language; a signed-in user's choice is also the language of their mail."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if (request.method == "POST" and request.user.is_authenticated
            and language in dict(settings.LANGUAGES) and request.user.language != language):
        services.user_language_set(actor=request.user, language=language)
    return response


def _shown(message: Notification) -> ShownMessage:
    title, body = render_message(message.kind, message.params)
    return ShownMessage(pk=message.pk, title=title, body=body, created_at=message.created_at,
                        is_unread=message.read_at is None, has_link=bool(message.link))
