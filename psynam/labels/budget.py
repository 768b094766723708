"""French words of the budget page(s): page titles, texts, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"budget": "Budget", "rules": "Plafonds par patient"}
TEXT: dict[str, str] = {}
INDICATORS: dict[str, tuple[str, str]] = {}
