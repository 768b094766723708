"""AppTest helpers: an app on the tiny fixture database, and the bytes behind its download buttons."""

import csv
import io

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from psynam import ROOT


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """url -> bytes of every file a download button offered eagerly (CSV, Excel) during the runs."""
    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            captured[self.get_url(file_id)] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return captured


@pytest.fixture
def app(tiny_db, monkeypatch, downloads):
    monkeypatch.setenv("PSYNAM_DB", str(tiny_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def download(at, downloads, key: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key))
    return downloads[button.proto.url]


def read_csv(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read accents"
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
