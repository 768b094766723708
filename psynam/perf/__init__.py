"""Performance tooling: `python -m psynam bench` (import, queries and page renders at several sizes,
against a pandas baseline and the raw-SQL floor) and `python -m psynam load` (concurrent app sessions
over WebSocket during an import). Nothing here is imported by the app."""
