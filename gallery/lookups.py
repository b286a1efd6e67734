"""A column of normalised search words, and the lookups that match word prefixes in it.

One behaviour on both databases. The value written is always the accent-free text made by
`profiles.search.as_document` (lower-case letters and digits separated by spaces). SQLite
stores it as text and matches with LIKE; PostgreSQL stores `strip(to_tsvector('simple', ...))`
of it, answered by a GIN index (migration 0006), so both read the same words.
"""

import re
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Lookup, TextField
from django.db.models.sql.compiler import SQLCompiler

_SAFE_WORD = re.compile(r"^[^\W_]+$")


class SearchWordsField(TextField[str, str]):
    """Words to search: a tsvector on PostgreSQL, plain text elsewhere.

    Written only, never read back for matching in Python: on PostgreSQL a loaded value is the
    tsvector's text form.
    """

    description = "Normalised search words"

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "postgresql":
            return "tsvector"
        return super().db_type(connection)

    def get_placeholder(self, value: Any, compiler: SQLCompiler, connection: Any) -> str:
        # Positions are not needed to match prefixes: strip() keeps the vector small enough to
        # stay in the row.
        if connection.vendor == "postgresql":
            return "strip(to_tsvector('simple'::regconfig, %s))"
        return "%s"


def _words(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise ValueError(f"expected a non-empty sequence of normalised words, got {value!r}")
    words = tuple(str(word) for word in value)
    # Words come from profiles.search.query_words; anything else is a programming error.
    for word in words:
        if not _SAFE_WORD.match(word):
            raise ValueError(f"expected a normalised word, got {word!r}")
    return words


class _WordsLookup(Lookup[str]):
    prepare_rhs = False
    # How the words combine (every one must match, or any one), and whether a query word may
    # be the start of a longer word.
    sql_join = " AND "
    tsquery_join = " & "
    prefix = True

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        words = _words(self.rhs)
        sql = self.sql_join.join(f"{lhs} LIKE %s" for _word in words)
        pattern = "% {}%" if self.prefix else "% {} %"
        params: list[Any] = []
        for word in words:
            params += [*lhs_params, pattern.format(word)]
        return f"({sql})", tuple(params)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        suffix = ":*" if self.prefix else ""
        query = self.tsquery_join.join(f"{word}{suffix}" for word in _words(self.rhs))
        return f"{lhs} @@ to_tsquery('simple'::regconfig, %s)", (*lhs_params, query)


@SearchWordsField.register_lookup
class PrefixAll(_WordsLookup):
    """Every given word starts a word of the column."""

    lookup_name = "prefix_all"


@SearchWordsField.register_lookup
class PrefixAny(_WordsLookup):
    """At least one of the given words starts a word of the column."""

    lookup_name = "prefix_any"
    sql_join = " OR "
    tsquery_join = " | "


@SearchWordsField.register_lookup
class WordAny(_WordsLookup):
    """At least one of the given words is a word of the column."""

    lookup_name = "word_any"
    sql_join = " OR "
    tsquery_join = " | "
    prefix = False


@SearchWordsField.register_lookup
class TwoOf(Lookup[str]):
    """At least two of the given words are words of the column."""

    lookup_name = "two_of"
    prepare_rhs = False

    def _pairs(self) -> list[tuple[str, str]]:
        return list(combinations(_words(self.rhs), 2))

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pairs = self._pairs()
        if not pairs:
            return "1 = 0", ()
        sql = " OR ".join(f"({lhs} LIKE %s AND {lhs} LIKE %s)" for _pair in pairs)
        params: list[Any] = []
        for first, second in pairs:
            params += [*lhs_params, f"% {first} %", *lhs_params, f"% {second} %"]
        return f"({sql})", tuple(params)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pairs = self._pairs()
        if not pairs:
            return "false", ()
        query = " | ".join(f"({first} & {second})" for first, second in pairs)
        return f"{lhs} @@ to_tsquery('simple'::regconfig, %s)", (*lhs_params, query)


# Built as expressions rather than "column__lookup" strings: the words are a tuple, which the
# type checker's view of a text column's lookups does not allow.
def prefix_all(column: str, words: Sequence[str]) -> PrefixAll:
    return PrefixAll(F(column), tuple(words))


def prefix_any(column: str, words: Sequence[str]) -> PrefixAny:
    return PrefixAny(F(column), tuple(words))


def word_any(column: str, words: Sequence[str]) -> WordAny:
    return WordAny(F(column), tuple(words))


def two_of(column: str, words: Sequence[str]) -> TwoOf:
    return TwoOf(F(column), tuple(words))
