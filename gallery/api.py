"""Gallery endpoints: search, detail, own profiles and photo, saved list, "surprise me",
taxonomy."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import request_user
from accounts.models import Role, User
from core.pagination import LookaheadPagination
from core.schema import paginated
from gallery import photos, selectors, services
from gallery.data.taxonomy import PLACES, SPOKEN_LANGUAGES
from gallery.discovery import discovery_propose
from gallery.models import Interest, Sector, Skill, StudentProfile, WitnessProfile
from gallery.serializers import (
    PhotoSerializer,
    PhotoUploadSerializer,
    ProfileCardSerializer,
    ProfileDetailSerializer,
    ProfileSearchParams,
    StudentProfileSerializer,
    SuggestionSerializer,
    TaxonomySerializer,
    WitnessProfileWriteSerializer,
)


def _saved_ids(user: User) -> set[int]:
    return selectors.saved_profile_ids(student=user) if user.role == Role.STUDENT else set()


def _visible_profile(profile_id: int) -> WitnessProfile:
    profile = selectors.profile_detail(profile_id=profile_id)
    if profile is None:
        raise exceptions.NotFound("No such profile.")
    return profile


def _require_role(user: User, role: Role) -> None:
    if user.role != role:
        raise exceptions.PermissionDenied(f"Only a {role.label.lower()} can do this.")


class ProfileSearchView(APIView):
    @extend_schema(
        operation_id="profiles_list",
        parameters=[ProfileSearchParams],
        responses={200: paginated(ProfileCardSerializer, "ProfileCard")},
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        params = ProfileSearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        filters = selectors.ProfileFilters(
            query=values["q"],
            sector=values["sector"].slug if "sector" in values else None,
            skill=values["skill"].slug if "skill" in values else None,
            interest=values["interest"].slug if "interest" in values else None,
            language=values.get("language"),
            meeting_format=values.get("format"),
        )
        profiles = selectors.profile_search(viewer=user, filters=filters)
        paginator = LookaheadPagination()
        page = paginator.paginate_queryset(profiles, request, view=self)
        serializer = ProfileCardSerializer(page, many=True, context={"saved_ids": _saved_ids(user)})
        return paginator.get_paginated_response(serializer.data)


class ProfileDetailView(APIView):
    @extend_schema(responses={200: ProfileDetailSerializer})
    def get(self, request: Request, profile_id: int) -> Response:
        user = request_user(request)
        profile = _visible_profile(profile_id)
        services.profile_view_record(viewer=user, profile=profile)
        context = {"saved_ids": _saved_ids(user)}
        return Response(ProfileDetailSerializer(profile, context=context).data)


class OwnWitnessProfileView(APIView):
    """The caller's own witness profile (professionals), visible here even before verification."""

    def _own(self, user: User) -> WitnessProfile:
        _require_role(user, Role.PROFESSIONAL)
        profile = WitnessProfile.objects.filter(user=user).first()
        if profile is None:
            raise exceptions.NotFound("You have no witness profile yet: PUT one.")
        return profile

    @extend_schema(responses={200: ProfileDetailSerializer})
    def get(self, request: Request) -> Response:
        return Response(ProfileDetailSerializer(self._own(request_user(request))).data)

    @extend_schema(request=WitnessProfileWriteSerializer, responses={200: ProfileDetailSerializer})
    def put(self, request: Request) -> Response:
        user = request_user(request)
        _require_role(user, Role.PROFESSIONAL)
        serializer = WitnessProfileWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.witness_profile_save(
            user=user, data=services.WitnessProfileData(**serializer.validated_data)
        )
        return Response(ProfileDetailSerializer(profile).data)


class OwnPhotoView(APIView):
    """The caller's profile photo (professionals): JPEG, PNG or WebP, re-encoded on upload."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="profiles_me_photo_update",
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={200: PhotoSerializer},
    )
    def put(self, request: Request) -> Response:
        user = request_user(request)
        _require_role(user, Role.PROFESSIONAL)
        serializer = PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["photo"]
        photo = photos.photo_set(user=user, upload=upload, size=upload.size or 0)
        data = {
            "photo": photos.photo_url(photo.key, "large"),
            "photo_small": photos.photo_url(photo.key, "small"),
        }
        return Response(PhotoSerializer(data).data)

    @extend_schema(operation_id="profiles_me_photo_destroy", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        user = request_user(request)
        _require_role(user, Role.PROFESSIONAL)
        photos.photo_remove(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OwnStudentProfileView(APIView):
    @extend_schema(responses={200: StudentProfileSerializer})
    def get(self, request: Request) -> Response:
        user = request_user(request)
        _require_role(user, Role.STUDENT)
        profile = StudentProfile.objects.filter(user=user).first() or StudentProfile(user=user)
        data: dict[str, Any] = {
            "interests": [i.slug for i in profile.interests.all()] if profile.pk else [],
            "school": profile.school,
            "study_track": profile.study_track,
        }
        return Response(data)

    @extend_schema(request=StudentProfileSerializer, responses={200: StudentProfileSerializer})
    def put(self, request: Request) -> Response:
        user = request_user(request)
        _require_role(user, Role.STUDENT)
        serializer = StudentProfileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.student_profile_save(user=user, **serializer.validated_data)
        return Response(StudentProfileSerializer(profile).data)


class SavedProfileListView(APIView):
    @extend_schema(responses={200: ProfileCardSerializer(many=True)})
    def get(self, request: Request) -> Response:
        user = request_user(request)
        _require_role(user, Role.STUDENT)
        profiles: QuerySet[WitnessProfile] = selectors.saved_profile_list(student=user)
        context = {"saved_ids": {profile.pk for profile in profiles}}
        return Response(ProfileCardSerializer(profiles, many=True, context=context).data)


class SavedProfileView(APIView):
    @extend_schema(request=None, responses={204: None})
    def put(self, request: Request, profile_id: int) -> Response:
        user = request_user(request)
        try:
            services.saved_profile_add(student=user, profile=_visible_profile(profile_id))
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, profile_id: int) -> Response:
        user = request_user(request)
        _require_role(user, Role.STUDENT)
        services.saved_profile_remove(student=user, profile=_visible_profile(profile_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DiscoverView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                name="Suggestions", fields={"results": SuggestionSerializer(many=True)}
            )
        }
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        _require_role(user, Role.STUDENT)
        suggestions = discovery_propose(student=user)
        context = {"saved_ids": _saved_ids(user)}
        return Response(
            {"results": SuggestionSerializer(suggestions, many=True, context=context).data}
        )


class TaxonomyView(APIView):
    @extend_schema(responses={200: TaxonomySerializer})
    def get(self, request: Request) -> Response:
        data = {
            "sectors": Sector.objects.all(),
            "skills": Skill.objects.all(),
            "interests": Interest.objects.all(),
            "languages": SPOKEN_LANGUAGES,
            "places": PLACES,
        }
        return Response(TaxonomySerializer(data).data)
