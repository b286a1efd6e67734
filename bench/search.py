"""Gallery search benchmark: our selector against a naive `icontains` baseline, same run.

    .venv/bin/python bench/search.py [--profiles 20000] [--queries 200]

Uses PostgreSQL when DATABASE_URL points at one (a scratch database `<name>_bench_search` is
created on that server and dropped afterwards; `--keep` keeps it for the next run), otherwise
a temporary SQLite file. Both searches answer through a DRF view with the same serializer and
pagination, so the figures differ only by the query. Prints p50/p95 latency of each (ours also
for a student with interests, whose ranking orders by shared interests), their ratio, and
recall on a small labelled query set.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch_db import scratch_database  # noqa: E402

LABELLED = [
    # query, job titles that must be found
    ("infirmiere zqx", {"Infirmière en pédiatrie ZQX", "Verpleegkundige spoed ZQX"}),
    ("verpleegkundige zqx", {"Infirmière en pédiatrie ZQX", "Verpleegkundige spoed ZQX"}),
    ("nurse zqx", {"Infirmière en pédiatrie ZQX", "Verpleegkundige spoed ZQX"}),
    ("ingén zqx", {"Ingénieure civile ZQX"}),
    ("engineer zqx", {"Ingénieure civile ZQX"}),
    ("developpeur zqx", {"Software developer ZQX", "Développeuse web ZQX"}),
    ("lawyer zqx", {"Avocate jeunesse ZQX"}),
    ("dierenarts zqx", {"Vétérinaire rurale ZQX"}),
]
# A vocabulary for generated text, drawn with Zipf weights (the word of rank r is drawn in
# proportion to 1/r), so that, as in real text, a few words are everywhere and most are rare.
_VOCABULARY_TEXT = (
    "je de travail avec les dans une pour sur équipe patients chantier clients projet enfants "
    "atelier réunion terrain dossiers planning logiciel machines animaux élèves public données "
    "rapport stage école ville matin soir midi semaine collègues bureau voiture train réseau "
    "ik het werk met de in een voor op team patiënten werf klanten project kinderen atelier "
    "vergadering terrein dossiers planning software machines dieren leerlingen publiek gegevens "
    "verslag stage school stad ochtend avond middag week collega's kantoor auto trein netwerk "
    "i the work with in a for on team patients site customers project children workshop meeting "
    "field files schedule software machines animals pupils public data report internship school "
    "city morning evening noon week colleagues office car train network "
    "urgence spoed emergency hôpital ziekenhuis hospital recherche onderzoek research cuisine "
    "keuken kitchen dessin tekening drawing musique muziek music sport voetbal football nature "
    "natuur climat klimaat climate justice recht law commerce handel trade budget contrat "
    "contract contract plans plannen plans calculs berekeningen calculations mesures metingen "
    "measurements essais testen tests sécurité veiligheid safety formation opleiding training "
    "clientèle klantenbestand clientele stock voorraad inventory livraison levering delivery "
    "tournage opnames filming montage montage editing article artikel article interview "
    "interview interview audience publiek audience salle zaal hall scène podium stage écran "
    "scherm screen code code code serveur server server bug bug bug écoute luisteren listening "
    "soins zorg care famille familie family jeunes jongeren youth quartier wijk neighbourhood "
    "bénévoles vrijwilligers volunteers association vereniging association tribunal rechtbank "
    "court audience hoorzitting hearing avocat advocaat lawyer juge rechter judge plaidoirie "
    "pleidooi pleading laboratoire labo laboratory microscope microscoop microscope cellules "
    "cellen cells molécules moleculen molecules pain brood bread farine bloem flour four oven "
    "oven bois hout wood métal metaal metal béton beton concrete toiture dak roof électricité "
    "elektriciteit electricity câbles kabels cables moteur motor engine pneus banden tyres"
)
VOCABULARY = _VOCABULARY_TEXT.split()


def configure(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profiles", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep", action="store_true", help="keep the seeded database and reuse it next time"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-for-anything-real-123456")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    args.scratch = scratch_database("bench_search")
    return args


ZIPF = [1 / rank for rank in range(1, len(VOCABULARY) + 1)]


def seed(count: int, rng: random.Random) -> None:
    from accounts.models import Role, User
    from gallery.data.taxonomy import JOB_SYNONYMS, PLACES, SPOKEN_LANGUAGES
    from gallery.models import Interest, Sector, Skill, WitnessProfile
    from gallery.services.search_index import search_entries_write, search_entry_build

    sectors = list(Sector.objects.all())
    skills = list(Skill.objects.all())
    interests = list(Interest.objects.all())
    jobs = [term for group in JOB_SYNONYMS for term in group]
    labelled_titles = sorted({title for _q, titles in LABELLED for title in titles})
    users = [
        User(
            username=f"bench{n}",
            display_name=f"Pro {n}",
            role=Role.PROFESSIONAL,
            verified=True,
            password="!",  # noqa: S106  (unusable)
        )
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    users = list(User.objects.filter(username__startswith="bench").order_by("pk"))
    profiles, chosen = [], []
    for n, user in enumerate(users):
        title = (
            labelled_titles[n]
            if n < len(labelled_titles)
            else (
                f"{rng.choice(jobs).capitalize()} {rng.choice(['junior', 'senior', 'en chef', ''])}"
            ).strip()
        )
        profile = WitnessProfile(
            user=user,
            job_title=title,
            sector=rng.choice(sectors),
            hook=" ".join(rng.choices(VOCABULARY, weights=ZIPF, k=10)),
            typical_day=" ".join(rng.choices(VOCABULARY, weights=ZIPF, k=90)),
            training=" ".join(rng.choices(VOCABULARY, weights=ZIPF, k=15)),
            languages=rng.sample(SPOKEN_LANGUAGES[:4], k=2),
            formats=["chat", "qa"],
            place=rng.choice(PLACES),
        )
        profiles.append(profile)
        chosen.append((rng.sample(skills, 3), rng.sample(interests, 3)))
    WitnessProfile.objects.bulk_create(profiles, batch_size=2000)
    search_entries_write(
        [
            search_entry_build(
                profile=profile, owner=user, skills=profile_skills, interests=profile_interests
            )
            for profile, user, (profile_skills, profile_interests) in zip(
                profiles, users, chosen, strict=True
            )
        ]
    )
    skill_links, interest_links = [], []
    for profile, (profile_skills, profile_interests) in zip(profiles, chosen, strict=True):
        skill_links += [
            WitnessProfile.skills.through(witnessprofile_id=profile.pk, skill_id=s.pk)
            for s in profile_skills
        ]
        interest_links += [
            WitnessProfile.interests.through(witnessprofile_id=profile.pk, interest_id=i.pk)
            for i in profile_interests
        ]
    WitnessProfile.skills.through.objects.bulk_create(skill_links, batch_size=5000)
    WitnessProfile.interests.through.objects.bulk_create(interest_links, batch_size=5000)


def make_views() -> tuple[Any, Any]:
    from django.db.models import Q, QuerySet
    from rest_framework.request import Request
    from rest_framework.response import Response

    from core.pagination import LookaheadPagination
    from gallery import selectors
    from gallery.api import ProfileSearchView
    from gallery.models import WitnessProfile
    from gallery.serializers import ProfileCardSerializer

    class NaiveSearchView(ProfileSearchView):
        """What one writes first: icontains on the raw fields, newest first."""

        def get(self, request: Request) -> Response:
            query = request.query_params.get("q", "")
            profiles: QuerySet[WitnessProfile] = selectors.visible_profiles()
            for word in query.split():
                profiles = profiles.filter(
                    Q(job_title__icontains=word)
                    | Q(hook__icontains=word)
                    | Q(typical_day__icontains=word)
                    | Q(sector__label_fr__icontains=word)
                    | Q(sector__label_nl__icontains=word)
                    | Q(sector__label_en__icontains=word)
                )
            profiles = (
                profiles.select_related("user", "sector")
                .prefetch_related("interests", "skills")
                .order_by("-updated_at", "-pk")
            )
            paginator = LookaheadPagination()
            page = paginator.paginate_queryset(profiles, request, view=self)
            return paginator.get_paginated_response(
                ProfileCardSerializer(page, many=True, context={"saved_ids": set()}).data
            )

    return ProfileSearchView.as_view(), NaiveSearchView.as_view()


def measure(view: Any, user: Any, queries: list[str]) -> list[float]:
    from rest_framework.test import APIRequestFactory, force_authenticate

    factory = APIRequestFactory()
    timings = []
    for query in queries:
        request = factory.get("/api/profiles/", {"q": query})
        force_authenticate(request, user=user)
        start = time.perf_counter()
        response = view(request)
        response.render()
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.data
    return timings


def recall(view: Any, user: Any) -> float:
    from rest_framework.test import APIRequestFactory, force_authenticate

    factory = APIRequestFactory()
    found = expected = 0
    for query, titles in LABELLED:
        request = factory.get("/api/profiles/", {"q": query})
        force_authenticate(request, user=user)
        results = view(request).data["results"]
        got = {card["job_title"] for card in results}
        found += len(titles & got)
        expected += len(titles)
    return found / expected


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str]) -> None:
    args = configure(argv)
    if args.keep:
        args.scratch.ensure()
    else:
        args.scratch.recreate()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Role, User
    from gallery.data.taxonomy import JOB_SYNONYMS, SECTORS
    from gallery.models import Interest, StudentProfile

    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(args.seed)
        started = time.perf_counter()
        if User.objects.filter(username__startswith="bench").count() != args.profiles:
            User.objects.all().delete()
            seed(args.profiles, rng)
        seeded_in = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        viewer, _created = User.objects.get_or_create(
            username="student-viewer", defaults={"display_name": "Student", "role": Role.STUDENT}
        )
        # The same queries whether the profiles were seeded in this run or kept from the last.
        rng = random.Random(args.seed + 1)
        # Most students set interests: the ranking then orders by how many each profile shares.
        curious, _created = User.objects.get_or_create(
            username="student-curious", defaults={"display_name": "Curious", "role": Role.STUDENT}
        )
        interests = StudentProfile.objects.get_or_create(user=curious)[0].interests
        interests.set(rng.sample(list(Interest.objects.order_by("pk")), 3))
        words = [term for group in JOB_SYNONYMS for term in group] + [s[1] for s in SECTORS]
        queries = [
            rng.choice(
                [
                    rng.choice(words),
                    rng.choice(words)[:5],
                    f"{rng.choice(words)} {rng.choice(VOCABULARY)}",
                    rng.choice(VOCABULARY),
                ]
            )
            for _ in range(args.queries)
        ]
        ours, naive = make_views()
        measure(ours, viewer, queries[:20])  # warm caches and connections
        measure(naive, viewer, queries[:20])
        ours_ms = measure(ours, viewer, queries)
        naive_ms = measure(naive, viewer, queries)
        curious_ms = measure(ours, curious, queries)
        ours_recall, naive_recall = recall(ours, viewer), recall(naive, viewer)
        print(
            f"database: {connection.vendor}, profiles: {args.profiles} (seeded in "
            f"{seeded_in:.1f} s), queries: {len(queries)}"
        )
        print(f"{'':34}{'p50 ms':>10}{'p95 ms':>10}{'recall':>10}")
        for name, timings, found in (
            ("ours (index table, tiers)", ours_ms, ours_recall),
            ("ours, student with 3 interests", curious_ms, recall(ours, curious)),
            ("baseline (icontains)", naive_ms, naive_recall),
        ):
            print(
                f"{name:34}{statistics.median(timings):10.1f}"
                f"{percentile(timings, 0.95):10.1f}{found:10.0%}"
            )
        p50_ratio = statistics.median(ours_ms) / statistics.median(naive_ms)
        p95_ratio = percentile(ours_ms, 0.95) / percentile(naive_ms, 0.95)
        print(f"ratio ours/baseline: p50 {p50_ratio:.2f}, p95 {p95_ratio:.2f}")
    finally:
        connection.close()
        if not args.keep:
            args.scratch.recreate(drop_only=True)


if __name__ == "__main__":
    main(sys.argv[1:])
