"""A scratch database for a benchmark, on the server DATABASE_URL names, or a temporary SQLite.

Benchmarks never touch the database they are pointed at: on PostgreSQL they make
`<name>_<suffix>` beside it (and drop it afterwards), elsewhere a temporary SQLite file.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ScratchDatabase:
    # The server's maintenance database `postgres`, to create and drop the scratch database:
    # the database DATABASE_URL names need not exist.
    admin_url: str | None
    name: str  # the PostgreSQL database name, or the SQLite file path

    @property
    def is_postgres(self) -> bool:
        return self.admin_url is not None

    def recreate(self, *, drop_only: bool = False) -> None:
        """Drop the PostgreSQL scratch database (closing its sessions) and make it anew."""
        if self.admin_url is None:
            return
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            if not drop_only:
                connection.execute(f'CREATE DATABASE "{self.name}"')

    def ensure(self) -> None:
        """Create the PostgreSQL scratch database only if it does not exist (for --keep)."""
        if self.admin_url is None:
            return
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{self.name}"')


def scratch_database(suffix: str) -> ScratchDatabase:
    """Point DATABASE_URL at a scratch database for this benchmark (call before Django)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        base, _, name = url.rpartition("/")
        scratch = ScratchDatabase(
            admin_url=f"{base}/postgres", name=f"{name.split('?')[0] or 'postgres'}_{suffix}"
        )
        os.environ["DATABASE_URL"] = f"{base}/{scratch.name}"
        return scratch
    path = Path(tempfile.mkdtemp()) / f"{suffix}.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return ScratchDatabase(admin_url=None, name=str(path))
