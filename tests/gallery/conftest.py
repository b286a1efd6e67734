import pytest

from gallery import services


@pytest.fixture
def taxonomy(db: None) -> None:
    """The taxonomy rows (a transactional test before this one may have flushed them)."""
    services.taxonomy_sync()
