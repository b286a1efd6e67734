"""The gallery's pages: explore, a profile, surprise me, saved, interests, the editor."""

from django.urls import path

from gallery import photo_views, views

app_name = "gallery"

urlpatterns = [
    path("explore/", views.explore, name="explore"),
    path("explore/<int:profile_id>/", views.profile, name="profile"),
    path("explore/<int:profile_id>/save/", views.profile_save, name="profile_save"),
    path("surprise/", views.surprise, name="surprise"),
    path("saved/", views.saved, name="saved"),
    path("me/interests/", views.interests, name="interests"),
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("me/profile/preview/", views.profile_preview, name="profile_preview"),
    path("me/profile/photo/", photo_views.profile_photo, name="profile_photo"),
]
