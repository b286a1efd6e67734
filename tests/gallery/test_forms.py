"""The gallery's forms use the API's serializers as their only rules; presentation helpers."""

import pytest
from django.http import QueryDict
from django.utils import translation

from gallery import services
from gallery.data.taxonomy import SECTORS
from gallery.forms import StudentInterestsForm, WitnessProfileForm, search_request_parse
from gallery.presenters import place_label, sector_colour, sort_key
from gallery.selectors import ProfileFilters


@pytest.fixture
def taxonomy(db: None) -> None:
    services.taxonomy_sync()


@pytest.mark.parametrize(
    ("query", "filters", "page"),
    [
        ({}, ProfileFilters(), 1),
        ({"q": "  nurse  ", "sector": "", "page": ""}, ProfileFilters(query="nurse"), 1),
        (
            {"sector": "health", "format": "qa", "language": "nl", "page": "3"},
            ProfileFilters(sector="health", meeting_format="qa", language="nl"),
            3,
        ),
    ],
)
def test_search_request_parse(
    taxonomy: None, query: dict[str, str], filters: ProfileFilters, page: int
) -> None:
    params = QueryDict(mutable=True)
    params.update(query)
    request = search_request_parse(params)
    assert request.problems == []
    assert (request.filters, request.page) == (filters, page)


def test_search_request_parse_keeps_unknown_values_as_problems(taxonomy: None) -> None:
    with translation.override("en"):
        request = search_request_parse(QueryDict("sector=astrology&skill=listening&page=-1"))
    assert request.problems == [
        "“astrology” is not a sector we know.",
        "“-1” is not a page number.",
    ]
    assert request.filters == ProfileFilters()
    assert request.active_filters == {"sector": "astrology", "skill": "listening"}


def test_forms_never_validate_by_themselves(taxonomy: None) -> None:
    """An unbound form has no errors; a bound one asks the serializer, not Django fields."""
    assert WitnessProfileForm().errors == {}
    form = StudentInterestsForm(QueryDict("interests=drawing&interests=music"))
    assert form.is_valid()
    assert sorted(i.slug for i in form.cleaned_data["interests"]) == ["drawing", "music"]


def test_place_names_follow_the_language() -> None:
    with translation.override("fr"):
        assert place_label("Ixelles / Elsene") == "Ixelles"
        assert place_label("Leuven") == "Leuven"
    with translation.override("nl"):
        assert place_label("Ixelles / Elsene") == "Elsene"
    with translation.override("en"):
        assert place_label("Ixelles / Elsene") == "Ixelles / Elsene"


def test_every_sector_has_its_colour_and_new_ones_get_a_stable_one() -> None:
    assert {sector_colour(slug) for slug, *_rest in SECTORS} == {slug for slug, *_ in SECTORS}
    assert sector_colour("astronautics") == sector_colour("astronautics")
    assert sector_colour("astronautics") in {slug for slug, *_ in SECTORS}


def test_sort_key_ignores_accents() -> None:
    assert sorted(["Football", "Écriture", "Dessin"], key=sort_key) == [
        "Dessin",
        "Écriture",
        "Football",
    ]
