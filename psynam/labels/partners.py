"""French words of the partners page(s): page titles, texts, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"partners": "Partenaires"}
TEXT: dict[str, str] = {}
INDICATORS: dict[str, tuple[str, str]] = {}
