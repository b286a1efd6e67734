from django.urls import path

from frontend import gallery_views, views

app_name = "frontend"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("register/", views.register, name="register"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    # The profiles gallery.
    path("explore/", gallery_views.explore, name="explore"),
    path("explore/<int:profile_id>/", gallery_views.profile, name="profile"),
    path("explore/<int:profile_id>/save/", gallery_views.profile_save, name="profile_save"),
    path("surprise/", gallery_views.surprise, name="surprise"),
    path("saved/", gallery_views.saved, name="saved"),
    path("me/interests/", gallery_views.interests, name="interests"),
    path("me/profile/", gallery_views.profile_edit, name="profile_edit"),
    path("me/profile/preview/", gallery_views.profile_preview, name="profile_preview"),
]
