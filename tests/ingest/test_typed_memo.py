"""The parse memo (validate._typed's `memo`, one per table checked): a chunk typed with what earlier chunks
already parsed gives exactly what typing it alone gives — values, problem flags, the order of the rows —
whatever mix of known, new, bad and empty texts each chunk brings."""
from __future__ import annotations

import random

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from psynam.ingest import validate
from psynam.ingest.tables import TABLES

COLUMNS = [c for c in TABLES["sessions"].columns if c.kind != "text"]

# Per kind, texts good and bad (a foreign digit, a US date, too many decimals, an unknown code, …).
TEXTS = {
    "date": ["01/03/2024", "2024-03-02", "31/02/2024", "3/4/24", "2024-13-01", "demain", " 05/06/2024 "],
    "int": ["0", "42", "1 234", "1,5", "٣", "12345678901", "-3", "abc"],
    "decimal": ["12,50", "12.5", "1 234,56", "0,123", "1.234,5", "-0,5", "x"],
    "bool": ["1", "0", "oui", "Non", "peut-être", "TRUE"],
    "code": ["RSN", "rsk", "Individuel", "groupe", "cabinet", "video", "inconnu", "B1", "b3"],
    "commune": ["92094", "92-094", "Namur", "99999", "21004", "abc"],
    "tags": ["aines", "aines|perinatalite", "", "petite_enfance|inconnu"],
}


def _chunk(rng: random.Random, height: int, empty: bool) -> pl.DataFrame:
    data = {}
    for col in COLUMNS:
        pool = TEXTS.get(col.kind, ["a", "b"]) + [None]
        data[col.name] = [None if empty else rng.choice(pool) for _ in range(height)]
    return pl.DataFrame(data, schema={c.name: pl.String for c in COLUMNS})


def _said(check) -> tuple[str, str]:
    message = check.message("x" * 300) if callable(check.message) else check.message
    return check.column, message


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_memo_types_each_chunk_as_alone(seed):
    rng = random.Random(seed)
    memo: dict = {}
    for i in range(8):
        # Chunk 2 is all empty cells (typed as nulls of no type); the others draw from a growing pool.
        chunk = _chunk(rng, rng.randint(1, 40), empty=(i == 2))
        with_memo, checks_memo = validate._typed(chunk, COLUMNS, memo)
        alone, checks_alone = validate._typed(chunk, COLUMNS)
        assert [_said(c) for c in checks_memo] == [_said(c) for c in checks_alone]
        assert_frame_equal(with_memo, alone.select(with_memo.columns))
    assert memo, "the memo keeps the parsed texts of the chunks"


def test_memo_forgets_a_column_with_too_many_texts(monkeypatch):
    monkeypatch.setattr(validate, "MEMO_ROWS", 3)
    col = next(c for c in COLUMNS if c.kind == "int")
    memo: dict = {}
    frame = pl.DataFrame({col.name: [str(n) for n in range(10)]})
    typed, _ = validate._typed(frame, [col], memo)
    assert col.name not in memo
    assert typed[f"{col.name}__v"].to_list() == list(range(10))
