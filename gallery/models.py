"""The gallery's data: witness profiles, the taxonomy, the search index and what students keep.

The tables keep their names from when these models lived in the `profiles` app (migration
gallery 0001 moved them in the state only).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from gallery.lookups import SearchWordsField


class TaxonomyTerm(models.Model):
    """A term with a label per interface language and extra search keywords."""

    slug = models.SlugField(max_length=40, unique=True)
    label_fr = models.CharField(max_length=80)
    label_nl = models.CharField(max_length=80)
    label_en = models.CharField(max_length=80)
    keywords = models.CharField(max_length=400, blank=True)

    class Meta:
        abstract = True
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (French when none is active)."""
        language = (get_language() or "fr")[:2]
        return str(getattr(self, f"label_{language}", self.label_fr))


class Sector(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        db_table = "profiles_sector"


class Skill(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        db_table = "profiles_skill"


class Interest(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        db_table = "profiles_interest"


class EmployerType(models.TextChoices):
    PUBLIC = "public", _("Public sector")
    PRIVATE = "private", _("Private company")
    NON_PROFIT = "non_profit", _("Non-profit")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    INTERNATIONAL = "international", _("International organisation")


class MeetingFormat(models.TextChoices):
    CHAT = "chat", _("Chat")
    QA = "qa", _("Video Q&A")
    ONE_TO_ONE = "one_to_one", _("One-to-one meeting")
    IN_PERSON = "in_person", _("In person")


class WitnessProfile(models.Model):
    """What a professional shows students about their job."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="witness_profile")
    job_title = models.CharField(max_length=120)
    hook = models.CharField(max_length=160, blank=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="profiles")
    employer_type = models.CharField(max_length=16, choices=EmployerType.choices, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="profiles")
    interests = models.ManyToManyField(Interest, blank=True, related_name="profiles")
    typical_day = models.TextField(max_length=4000, blank=True)
    # [{"start_year": 2012, "end_year": 2016 | null, "title": "...", "place": "..."}]
    career_path = models.JSONField(default=list, blank=True)
    training = models.TextField(max_length=2000, blank=True)
    languages = models.JSONField(default=list, blank=True)  # ISO 639-1 codes
    place = models.CharField(max_length=80, blank=True)
    video_url = models.URLField(max_length=300, blank=True)
    formats = models.JSONField(default=list, blank=True)  # MeetingFormat values
    # The language the texts are written in (an interface language): pages mark texts in
    # another language than the reader's, so screen readers pronounce them right.
    content_language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "profiles_witnessprofile"

    def __str__(self) -> str:
        return f"{self.job_title} — {self.user.display_name}"


class ProfilePhoto(models.Model):
    """A person's photo: re-encoded files named after `key` (gallery.photos), a new random key
    for each upload so the files can be cached forever."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile_photo")
    key = models.CharField(max_length=40, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Photo of {self.user_id}"


class ProfileSearchEntry(models.Model):
    """The gallery's search index: one narrow row per witness profile, so a broad search reads
    a few small columns instead of the profile's long text. Rebuilt by the profile services on
    every save; `visible` also follows the owner's role, verification and activity through
    database triggers (migration 0006), whoever changes them."""

    profile = models.OneToOneField(
        WitnessProfile, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    visible = models.BooleanField(default=False)
    updated_at = models.DateTimeField()  # the profile's, for the last tie-break of the ranking
    # " lang:fr format:chat ": JSON lists cannot be filtered alike on SQLite and PostgreSQL.
    facets = models.TextField()
    # " s3 k5 i7 ": the sector, skills and interests by id. A word of their labels is matched
    # through the taxonomy at query time, so the labels are not copied into every row.
    terms = SearchWordsField()
    # Accent-free words (profiles.search.as_document).
    title = SearchWordsField()  # the job title and its synonyms in fr/nl/en
    body = SearchWordsField()  # the rest: hook, typical day, training, career, place, name

    class Meta:
        db_table = "profiles_profilesearchentry"
        indexes = [
            models.Index(
                fields=["-updated_at", "-profile"],
                condition=models.Q(visible=True),
                name="profiles_search_recent",
            )
        ]

    def __str__(self) -> str:
        return f"Search entry of profile {self.profile_id}"


class StudentProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="student_profile")
    interests = models.ManyToManyField(Interest, blank=True, related_name="students")
    school = models.CharField(max_length=120, blank=True)
    study_track = models.CharField(max_length=120, blank=True)

    class Meta:
        db_table = "profiles_studentprofile"

    def __str__(self) -> str:
        return f"Student profile of {self.user}"


class SavedProfile(models.Model):
    student = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_profiles")
    profile = models.ForeignKey(WitnessProfile, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "profiles_savedprofile"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "profile"], name="saved_profile_once")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} saved {self.profile_id}"


class ProfileView(models.Model):
    """A student opened a profile: discovery proposes sectors the student has not seen."""

    student = models.ForeignKey(User, on_delete=models.CASCADE, related_name="profile_views")
    profile = models.ForeignKey(WitnessProfile, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "profiles_profileview"
        constraints = [
            models.UniqueConstraint(fields=["student", "profile"], name="profile_view_once")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} viewed {self.profile_id}"


class DiscoveryRound(models.Model):
    """The last set "surprise me" proposed to a student, so the next one does not repeat it."""

    student = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")
    profile_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "profiles_discoveryround"

    def __str__(self) -> str:
        return f"Discovery for {self.student_id}: {self.profile_ids}"
