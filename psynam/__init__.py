"""psynam-dashboard: analytics over PSYNAM activity exports (Province of Namur).

The package holds everything that is neither a Streamlit page nor SQL: the store, the importer,
reference data loading, charts, formatting and the command line (`python -m psynam`).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"
