"""Shapes of the profile API: search parameters, cards, details and the editors."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import LANGUAGE_CODES
from gallery.data.taxonomy import EMPLOYER_TYPES, PLACES, SPOKEN_LANGUAGES
from gallery.models import (
    EmployerType,
    Interest,
    MeetingFormat,
    Sector,
    Skill,
    StudentProfile,
    TaxonomyTerm,
    WitnessProfile,
)
from gallery.photos import photo_url, profile_photo_key
from gallery.video import parse_video_url

MAX_TAGS = 12
MAX_CAREER_STEPS = 20
OLDEST_CAREER_YEAR = 1950


class TermSerializer(serializers.Serializer[TaxonomyTerm]):
    slug = serializers.SlugField(read_only=True)
    # DRF pops declared fields off the class, so this does not shadow Field.label at run time.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]


class TaxonomySerializer(serializers.Serializer[dict[str, Any]]):
    sectors = TermSerializer(many=True, read_only=True)
    skills = TermSerializer(many=True, read_only=True)
    interests = TermSerializer(many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    places = serializers.ListField(child=serializers.CharField(), read_only=True)


class ProfileSearchParams(serializers.Serializer[None]):
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    sector = serializers.SlugRelatedField(
        slug_field="slug", queryset=Sector.objects.all(), required=False
    )
    skill = serializers.SlugRelatedField(
        slug_field="slug", queryset=Skill.objects.all(), required=False
    )
    interest = serializers.SlugRelatedField(
        slug_field="slug", queryset=Interest.objects.all(), required=False
    )
    language = serializers.ChoiceField(choices=SPOKEN_LANGUAGES, required=False)
    format = serializers.ChoiceField(choices=MeetingFormat.choices, required=False)
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class ProfileCardSerializer(serializers.ModelSerializer[WitnessProfile]):
    professional = serializers.IntegerField(source="user_id", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    initials = serializers.SerializerMethodField()
    sector = TermSerializer(read_only=True)
    interests = TermSerializer(many=True, read_only=True)
    saved = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()
    photo_small = serializers.SerializerMethodField()

    class Meta:
        model = WitnessProfile
        fields = [
            "id",
            "professional",
            "display_name",
            "initials",
            "photo",
            "photo_small",
            "content_language",
            "job_title",
            "hook",
            "sector",
            "interests",
            "place",
            "languages",
            "formats",
            "saved",
        ]
        read_only_fields = fields

    def get_initials(self, profile: WitnessProfile) -> str:
        words = profile.user.display_name.split()
        return "".join(word[0] for word in words[:2]).upper() or "?"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_photo(self, profile: WitnessProfile) -> str | None:
        """The photo's URL (512 px square), or null: show the initials."""
        key = profile_photo_key(profile)
        return photo_url(key, "large") if key else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_photo_small(self, profile: WitnessProfile) -> str | None:
        """The same photo in 96 px, for small avatars."""
        key = profile_photo_key(profile)
        return photo_url(key, "small") if key else None

    def get_saved(self, profile: WitnessProfile) -> bool:
        saved_ids: set[int] = self.context.get("saved_ids", set())
        return profile.pk in saved_ids


class CareerStepSerializer(serializers.Serializer[dict[str, Any]]):
    start_year = serializers.IntegerField(min_value=OLDEST_CAREER_YEAR)
    end_year = serializers.IntegerField(
        min_value=OLDEST_CAREER_YEAR, required=False, allow_null=True
    )
    title = serializers.CharField(max_length=120)
    place = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        this_year = timezone.localdate().year
        if attrs["start_year"] > this_year:
            raise serializers.ValidationError(
                {"start_year": _("A step cannot start in the future.")}
            )
        end = attrs.get("end_year")
        if end is not None and not attrs["start_year"] <= end <= this_year:
            raise serializers.ValidationError(
                {"end_year": _("The end year comes after the start year and not in the future.")}
            )
        return attrs


class VideoSerializer(serializers.Serializer[None]):
    provider = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)
    embed_url = serializers.CharField(read_only=True)


class ProfileDetailSerializer(ProfileCardSerializer):
    # Declared so the schema admits "" (not given), which the model field allows.
    employer_type = serializers.ChoiceField(
        choices=EmployerType.choices, allow_blank=True, read_only=True
    )
    skills = TermSerializer(many=True, read_only=True)
    career_path = CareerStepSerializer(many=True, read_only=True)
    video = serializers.SerializerMethodField()

    class Meta(ProfileCardSerializer.Meta):
        fields = [
            *ProfileCardSerializer.Meta.fields,
            "employer_type",
            "skills",
            "typical_day",
            "career_path",
            "training",
            "video",
            "updated_at",
        ]
        read_only_fields = fields

    def get_video(self, profile: WitnessProfile) -> dict[str, str] | None:
        video = parse_video_url(profile.video_url) if profile.video_url else None
        if video is None:
            return None
        return {"provider": video.provider, "url": video.url, "embed_url": video.embed_url}


def _unique(values: list[Any], message: str) -> list[Any]:
    if len(set(values)) != len(values):
        raise serializers.ValidationError(message)
    return values


class WitnessProfileWriteSerializer(serializers.Serializer[WitnessProfile]):
    job_title = serializers.CharField(max_length=120)
    hook = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    sector = serializers.SlugRelatedField(slug_field="slug", queryset=Sector.objects.all())
    employer_type = serializers.ChoiceField(
        choices=EMPLOYER_TYPES, required=False, allow_blank=True, default=""
    )
    skills = serializers.SlugRelatedField(
        slug_field="slug", queryset=Skill.objects.all(), many=True, required=False
    )
    interests = serializers.SlugRelatedField(
        slug_field="slug", queryset=Interest.objects.all(), many=True, required=False
    )
    typical_day = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    career_path = CareerStepSerializer(many=True, required=False, default=list)
    training = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=SPOKEN_LANGUAGES),
        max_length=len(SPOKEN_LANGUAGES),
        required=False,
        default=list,
    )
    place = serializers.ChoiceField(choices=PLACES, required=False, allow_blank=True, default="")
    video_url = serializers.URLField(max_length=300, required=False, allow_blank=True, default="")
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=MeetingFormat.choices),
        max_length=len(MeetingFormat.choices),
        required=False,
        default=list,
    )
    # Not given: the profile keeps its language (a new one takes the author's preferred one).
    content_language = serializers.ChoiceField(
        choices=LANGUAGE_CODES, required=False, allow_blank=True, default=""
    )

    def validate_skills(self, value: list[Skill]) -> list[Skill]:
        if len(value) > MAX_TAGS:
            raise serializers.ValidationError(_("At most %(count)d skills.") % {"count": MAX_TAGS})
        return _unique(value, _("Each skill may be given once."))

    def validate_interests(self, value: list[Interest]) -> list[Interest]:
        if len(value) > MAX_TAGS:
            raise serializers.ValidationError(
                _("At most %(count)d interests.") % {"count": MAX_TAGS}
            )
        return _unique(value, _("Each interest may be given once."))

    def validate_career_path(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_CAREER_STEPS:
            raise serializers.ValidationError(
                _("At most %(count)d steps.") % {"count": MAX_CAREER_STEPS}
            )
        return sorted(value, key=lambda step: step["start_year"])

    def validate_languages(self, value: list[str]) -> list[str]:
        return _unique(value, _("Each language may be given once."))

    def validate_formats(self, value: list[str]) -> list[str]:
        return _unique(value, _("Each format may be given once."))

    def validate_video_url(self, value: str) -> str:
        if not value:
            return ""
        video = parse_video_url(value)
        if video is None:
            raise serializers.ValidationError(
                _(
                    "Only YouTube or Vimeo video links can be shown (https://www.youtube.com/..., "
                    "https://youtu.be/... or https://vimeo.com/...)."
                )
            )
        return video.url


class StudentProfileSerializer(serializers.ModelSerializer[StudentProfile]):
    interests = serializers.SlugRelatedField(
        slug_field="slug", queryset=Interest.objects.all(), many=True
    )

    class Meta:
        model = StudentProfile
        fields = ["interests", "school", "study_track"]

    def validate_interests(self, value: list[Interest]) -> list[Interest]:
        if len(value) > MAX_TAGS * 2:
            raise serializers.ValidationError(
                _("At most %(count)d interests.") % {"count": MAX_TAGS * 2}
            )
        return _unique(value, _("Each interest may be given once."))


class PhotoUploadSerializer(serializers.Serializer[None]):
    # A plain file: gallery.photos checks its content (DRF's ImageField would trust Pillow's
    # defaults, and decode the whole picture once more).
    photo = serializers.FileField(allow_empty_file=False)


class PhotoSerializer(serializers.Serializer[dict[str, str]]):
    photo = serializers.CharField(read_only=True, help_text="The photo, 512 px square (WebP).")
    photo_small = serializers.CharField(read_only=True, help_text="The same, 96 px square.")


class SuggestionSerializer(serializers.Serializer[Any]):
    profile = ProfileCardSerializer(read_only=True)
    reason = serializers.CharField(read_only=True)
    term = TermSerializer(read_only=True)
    explanation = serializers.CharField(read_only=True)
