import pytest
from calendar_builders import make_meta

from calendars.feed import FeedMeta


@pytest.fixture
def meta() -> FeedMeta:
    return make_meta()
