from django.urls import path

from gallery import api

urlpatterns = [
    path("profiles/", api.ProfileSearchView.as_view(), name="profile-search"),
    path("profiles/discover/", api.DiscoverView.as_view(), name="profile-discover"),
    path("profiles/saved/", api.SavedProfileListView.as_view(), name="profile-saved"),
    path("profiles/me/", api.OwnWitnessProfileView.as_view(), name="profile-own"),
    path("profiles/me/photo/", api.OwnPhotoView.as_view(), name="profile-own-photo"),
    path("profiles/<int:profile_id>/", api.ProfileDetailView.as_view(), name="profile"),
    path("profiles/<int:profile_id>/save/", api.SavedProfileView.as_view(), name="profile-save"),
    path("students/me/", api.OwnStudentProfileView.as_view(), name="student-own"),
    path("taxonomy/", api.TaxonomyView.as_view(), name="taxonomy"),
]
