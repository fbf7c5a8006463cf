import pytest

from calendars.feed import FeedMeta
from tests.calendars.calendar_builders import make_meta


@pytest.fixture
def meta() -> FeedMeta:
    return make_meta()
