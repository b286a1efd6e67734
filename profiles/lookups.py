"""`word_prefix`: does a normalised search column hold a word starting with the given one?

One behaviour on both databases: SQLite scans with LIKE, PostgreSQL asks its full-text index
(`to_tsvector('simple', column)` with a GIN index made by migration 0003). The columns hold
only lower-case letters and digits separated by single spaces, so both read the same words.
"""

import re
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup, TextField
from django.db.models.sql.compiler import SQLCompiler

_SAFE_WORD = re.compile(r"^[^\W_]+$")


@TextField.register_lookup
class WordPrefix(Lookup[str]):
    lookup_name = "word_prefix"
    prepare_rhs = False

    def _word(self) -> str:
        word = str(self.rhs)
        # Words come from profiles.search.normalise_words; anything else is a programming error.
        if not _SAFE_WORD.match(word):
            raise ValueError(f"word_prefix expects a normalised word, got {word!r}")
        return word

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} LIKE %s", (*lhs_params, f"% {self._word()}%")

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql = f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)"
        return sql, (*lhs_params, f"{self._word()}:*")
