from django.urls import path

from podbor.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="accounts-login"),
    path("logout/", views.LogoutView.as_view(), name="accounts-logout"),
    path("me/tokens/", views.tokens, name="accounts-tokens"),
    path("me/tokens/<int:pk>/revoke", views.token_revoke, name="accounts-token-revoke"),
    path("me/presence/", views.presence_switch, name="accounts-presence-set"),
    path("team/presence/", views.presence_team, name="accounts-presence-team"),
    path("team/hours/", views.work_hours_list, name="accounts-work-hours"),
    path("team/hours/<int:pk>/", views.work_hours_edit, name="accounts-work-hours-edit"),
]
