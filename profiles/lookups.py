"""`word_prefix`: does a normalised search column hold a word starting with the given one?

One behaviour on both databases: SQLite scans with LIKE; PostgreSQL asks the GIN index of the
stored `search_vector` column (`to_tsvector('simple', search_all)`, made by migration 0004). The
columns hold only lower-case letters and digits separated by single spaces, so both read the
same words.
"""

import re
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup, TextField
from django.db.models.expressions import Col
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
        column = self.lhs
        if not isinstance(column, Col) or column.target.name != "search_all":
            raise ValueError("word_prefix on PostgreSQL reads search_all's stored tsvector only")
        quote = connection.ops.quote_name
        vector = (
            f"{quote(column.alias)}.{quote('search_vector')}"
            if column.alias
            else quote("search_vector")
        )
        return f"{vector} @@ to_tsquery('simple'::regconfig, %s)", (f"{self._word()}:*",)
