""" "Surprise me": variety, no immediate repeat, explanations, students without interests."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from gallery import services
from gallery.discovery import DISCOVERY_SIZE, discovery_propose
from gallery.models import Interest, ProfileView, StudentProfile, WitnessProfile
from tests.factories import make_witness

pytestmark = pytest.mark.usefixtures("taxonomy")

SECTORS = ["health", "tech", "law", "arts", "crafts", "sport", "science", "transport"]


@pytest.fixture
def gallery(db: None, taxonomy: None) -> list[int]:
    """Three drawing lovers per sector in two sectors, then two other profiles per sector."""
    ids = []
    for sector in ("arts", "tech"):
        for n in range(3):
            ids.append(
                make_witness(job_title=f"Drawer {n}", sector=sector, interests=("drawing",)).pk
            )
    for sector in SECTORS:
        for n in range(2):
            ids.append(make_witness(job_title=f"Job {n}", sector=sector, interests=("music",)).pk)
    return ids


def _likes(student, *slugs: str) -> None:
    profile, _ = StudentProfile.objects.get_or_create(user=student)
    profile.interests.set(Interest.objects.filter(slug__in=slugs))


def test_most_share_an_interest_and_one_is_from_an_unexplored_sector(gallery, student) -> None:
    _likes(student, "drawing")
    # The student has already looked at arts and tech.
    for profile in WitnessProfile.objects.filter(pk__in=[gallery[0], gallery[3]]):
        services.profile_view_record(viewer=student, profile=profile)
    picks = discovery_propose(student=student)
    assert len(picks) == DISCOVERY_SIZE
    by_interest = [p for p in picks if p.reason == "interest"]
    assert len(by_interest) == DISCOVERY_SIZE - 1
    assert all(p.term.slug == "drawing" for p in by_interest)
    assert all(p.profile.interests.filter(slug="drawing").exists() for p in by_interest)
    new = [p for p in picks if p.reason == "new_sector"]
    assert len(new) == 1
    viewed_sectors = set(
        ProfileView.objects.filter(student=student).values_list("profile__sector__slug", flat=True)
    )
    assert viewed_sectors == {"arts", "tech"}
    assert new[0].profile.sector.slug not in viewed_sectors


def test_interest_picks_spread_over_sectors_first(gallery, student) -> None:
    _likes(student, "drawing")
    picks = [p for p in discovery_propose(student=student) if p.reason == "interest"]
    assert {p.profile.sector.slug for p in picks} == {"arts", "tech"}


def test_no_immediate_repeat(gallery, student) -> None:
    _likes(student, "drawing")
    first = {p.profile.pk for p in discovery_propose(student=student)}
    second = {p.profile.pk for p in discovery_propose(student=student)}
    assert first.isdisjoint(second)
    assert len(second) == DISCOVERY_SIZE


def test_small_gallery_still_answers_without_repeating_the_whole_set(db, taxonomy, student):
    ids = {make_witness(job_title=f"Job {n}", sector=SECTORS[n]).pk for n in range(4)}
    first = discovery_propose(student=student)
    second = discovery_propose(student=student)
    assert {p.profile.pk for p in first} == {p.profile.pk for p in second} == ids


def test_student_without_interests_gets_varied_sectors(gallery, student) -> None:
    picks = discovery_propose(student=student)
    assert len(picks) == DISCOVERY_SIZE
    assert all(p.reason in ("new_sector", "variety") for p in picks)
    assert len({p.profile.sector_id for p in picks}) == DISCOVERY_SIZE


def test_only_verified_profiles_are_proposed(db, taxonomy, student) -> None:
    hidden = make_witness(job_title="Hidden", sector="law", verified=False)
    shown = make_witness(job_title="Shown", sector="law")
    picks = {p.profile.pk for p in discovery_propose(student=student)}
    assert picks == {shown.pk}
    assert hidden.pk not in picks


def test_explanations_in_the_users_language(gallery, student, api_client: APIClient) -> None:
    _likes(student, "drawing")
    api_client.force_authenticate(student)
    body = api_client.get("/api/profiles/discover/", HTTP_ACCEPT_LANGUAGE="en").json()
    explanations = [item["explanation"] for item in body["results"]]
    assert explanations.count("Because you like drawing") == DISCOVERY_SIZE - 1
    with translation.override("nl"):
        pick = discovery_propose(student=student)[0]
        assert pick.explanation == "Omdat je van tekenen houdt"


def test_discover_is_for_students(gallery, professional, api_client: APIClient) -> None:
    api_client.force_authenticate(professional)
    response = api_client.get("/api/profiles/discover/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
