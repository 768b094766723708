"""Views run headless on the tiny fixture database: a Source over a read-only connection, no Streamlit."""

from functools import partial

import pytest

from psynam import db, views


@pytest.fixture
def source(tiny_con) -> views.Source:
    return views.Source(partial(db.run, tiny_con))
