from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import admission_views, message_views, views
from accounts.decorators import action_required
from accounts.forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        action_required("account.login")(
            auth_views.LoginView.as_view(
                redirect_authenticated_user=True, authentication_form=LoginForm
            )
        ),
        name="login",
    ),
    path("logout/", action_required("account.login")(auth_views.LogoutView.as_view()),
         name="logout"),
    path(
        "password/",
        action_required("account.password_change")(
            auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/")
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        action_required("account.password_change")(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("register/", views.register, name="register"),
    path("registrations/", views.registration_queue, name="registration_queue"),
    path("registrations/<int:pk>/", views.registration_review, name="registration_review"),
    path("registrations/<int:pk>/city/", views.registration_set_city,
         name="registration_set_city"),
    path("registrations/<int:pk>/controller/", views.registration_set_controller,
         name="registration_set_controller"),
    path("region-rules/", admission_views.region_rules, name="region_rules"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/objections/", views.objection_lodge, name="objection_lodge"),
    path("notices/review/", views.notice_review, name="notice_review"),
    path("notices/<int:pk>/conclude/", views.notice_conclude, name="notice_conclude"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("messages/", message_views.message_list, name="messages"),
    path("messages/<int:pk>/open/", message_views.message_open, name="message_open"),
    path("messages/read-all/", message_views.messages_mark_all_read, name="messages_read_all"),
    path("messages/settings/", message_views.message_preferences,
         name="message_preferences"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
