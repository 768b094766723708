"""French words of the import page: title, texts, messages."""

PAGE: dict[str, str] = {"imports": "Importer un export"}
TEXT: dict[str, str] = {}
INDICATORS: dict[str, tuple[str, str]] = {}
