"""Text normalisation for search: accent-free, lower-case words, and job-title synonyms.

The same functions build a profile's search columns and parse a query, so matching behaves the
same on SQLite and PostgreSQL: a query word matches a document word that starts with it.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

from gallery.data.taxonomy import JOB_SYNONYMS

_WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 8
# Words that carry no meaning in a search, in the three interface languages.
STOP_WORDS = frozenset(
    {"a", "an", "and", "de", "des", "du", "een", "en", "et", "het", "in", "la", "le", "les"}
    | {"of", "op", "the", "to", "un", "une", "van", "voor"}
)


def normalise_words(text: str) -> list[str]:
    """Lower-case words with accents removed: "Infirmière-chef" -> ["infirmiere", "chef"]."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(plain)


def as_document(parts: Iterable[str]) -> str:
    """One searchable column: words separated and surrounded by single spaces."""
    words = [word for part in parts for word in normalise_words(part)]
    return f" {' '.join(words)} " if words else ""


@cache
def _synonym_groups() -> list[tuple[str, ...]]:
    return [tuple(" ".join(normalise_words(term)) for term in group) for group in JOB_SYNONYMS]


def job_title_synonyms(job_title: str) -> list[str]:
    """Every synonym (in any language) of the job names that the title contains."""
    title = as_document([job_title])
    found: list[str] = []
    for group in _synonym_groups():
        if any(f" {term} " in title for term in group):
            found.extend(term for term in group if f" {term} " not in title)
    return found


def query_words(query: str) -> list[str]:
    """The words of a search query that must each match, without stop words or repeats."""
    words: list[str] = []
    for word in normalise_words(query):
        if word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


@lru_cache(maxsize=1024)
def label_words(label_fr: str, label_nl: str, label_en: str, keywords: str) -> frozenset[str]:
    """The words a taxonomy term is found by: its labels in the three languages and keywords."""
    return frozenset(normalise_words(f"{label_fr} {label_nl} {label_en} {keywords}"))


def starts_a_word(word: str, words: Iterable[str]) -> bool:
    return any(candidate.startswith(word) for candidate in words)
