"""AppTest helpers: an app on the tiny fixture database, and the bytes behind its download buttons."""

import csv
import io

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from psynam import ROOT


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """What the download buttons offered during the runs: url -> bytes for files given as bytes, and
    deferred file id -> the callable the app registered (files made on click)."""
    captured: dict = {}
    original = MemoryMediaFileStorage.load_and_get_id
    original_deferred = MediaFileManager.add_deferred

    def spy(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            captured[self.get_url(file_id)] = path_or_data
        return file_id

    def spy_deferred(self, data_callable, *args, **kwargs):
        file_id = original_deferred(self, data_callable, *args, **kwargs)
        captured[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    return captured


@pytest.fixture
def app(tiny_db, monkeypatch, downloads):
    monkeypatch.setenv("PSYNAM_DB", str(tiny_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def download(at, downloads, key: str) -> bytes:
    """The bytes a download button gives, as a click would: made on demand for deferred files."""
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key))
    if button.proto.url:
        return downloads[button.proto.url]
    data = downloads[button.proto.deferred_file_id]()
    return data.encode("utf-8") if isinstance(data, str) else data


def read_csv(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read accents"
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
