"""psynam.blocks' tables: one type per column, so that Streamlit converts them to Arrow at once (a column mixing
counts and `< 5` marks made it retry, logging a traceback on every public render), Belgian formats shown."""

import pandas as pd
import polars as pl
import pyarrow as pa
from streamlit import dataframe_util

from psynam import blocks
from psynam.export import Column
from psynam.privacy import Published

COLUMNS = [Column("commune", "Commune"), Column("patients", "Patients", "int"),
           Column("cost", "Coût", "eur", 2)]


def displayed(styler) -> list[list[str]]:
    """What st.dataframe shows: Streamlit's own reading of the Styler's display values."""
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    proto = ArrowData()
    marshall_styler(proto, styler, "t")
    frame = dataframe_util.convert_arrow_bytes_to_pandas_df(proto.styler.display_values)
    return frame.values.tolist()


def test_a_column_with_hidden_cells_is_text_and_converts_to_arrow_at_once():
    frame = pl.DataFrame({"commune": ["Namur", "Dinant", "Gedinne"], "patients": [1234, None, None],
                          "cost": [1234.5, 80.0, None]})
    shown = Published(frame, {"patients": [None, "< 5", None]})
    styler = blocks._styled(None, COLUMNS, shown)
    pa.Table.from_pandas(styler.data)  # raised ArrowInvalid ('< 5' among numbers) before
    patients = styler.data["Patients"].tolist()
    assert isinstance(patients[0], str) and patients[1] == "< 5" and pd.isna(patients[2])
    rows = displayed(styler)
    assert rows[1][1] == "< 5" and rows[0][1].replace("\u202f", " ").replace("\u00a0", " ") == "1 234"
    assert rows[0][2].replace("\u202f", " ").replace("\u00a0", " ") == "1 234,50 €"


def test_a_column_without_hidden_cells_keeps_its_numbers_for_sorting():
    frame = pl.DataFrame({"commune": ["Namur"], "patients": [12], "cost": [8.5]})
    styler = blocks._styled(None, COLUMNS, Published(frame, {}))
    assert styler.data["Patients"].tolist() == [12]
    assert displayed(styler)[0][1] == "12"
