from django.urls import path

from profiles import api, gallery_api

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="auth-register"),
    path("auth/token/", api.TokenView.as_view(), name="auth-token"),
    path("auth/login/", api.SessionLoginView.as_view(), name="auth-login"),
    path("auth/logout/", api.SessionLogoutView.as_view(), name="auth-logout"),
    path("me/", api.MeView.as_view(), name="me"),
]

urlpatterns += [
    path("profiles/", gallery_api.ProfileSearchView.as_view(), name="profile-search"),
    path("profiles/discover/", gallery_api.DiscoverView.as_view(), name="profile-discover"),
    path("profiles/saved/", gallery_api.SavedProfileListView.as_view(), name="profile-saved"),
    path("profiles/me/", gallery_api.OwnWitnessProfileView.as_view(), name="profile-own"),
    path("profiles/<int:profile_id>/", gallery_api.ProfileDetailView.as_view(), name="profile"),
    path(
        "profiles/<int:profile_id>/save/",
        gallery_api.SavedProfileView.as_view(),
        name="profile-save",
    ),
    path("students/me/", gallery_api.OwnStudentProfileView.as_view(), name="student-own"),
    path("taxonomy/", gallery_api.TaxonomyView.as_view(), name="taxonomy"),
]
