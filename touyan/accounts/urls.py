from django.urls import path

from . import views, views_security, views_users

app_name = "accounts"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/<int:user_id>/edit/", views_users.user_edit, name="user_edit"),
    path("users/<int:user_id>/active/", views_users.user_active, name="user_active"),
    path("users/<int:user_id>/reset-password/", views_security.user_password_reset, name="user_password_reset"),
    path("security/", views_security.security_desk, name="security"),
    path("security/users/<int:user_id>/unlock/", views_security.user_unlock, name="user_unlock"),
    path("security/users/<int:user_id>/2fa-reset/", views_security.user_twofactor_reset, name="user_2fa_reset"),
    path("security/2fa/", views_security.twofactor_setup, name="twofactor_setup"),
    path("security/password/", views_security.password_change_page, name="password_change"),
    path("security/tokens/", views_security.tokens_page, name="tokens"),
]
