from __future__ import annotations

from collections.abc import Iterator

import pytest
from dazzler_stack import LocalStack


@pytest.fixture(scope="module")
def fiware() -> Iterator[LocalStack]:
    """The QL stand-in with the generator feeding tenant demo twice a second."""
    with LocalStack(
        ["sim", "generator"],
        database_url="postgresql://postgres@127.0.0.1:5432/unused",
        migrate=False,
        env={"generator": {"DAZZLER_SIM_INTERVAL": "0.5"}},
    ) as stack:
        yield stack
