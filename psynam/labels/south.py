"""French words of the south page(s): page titles, texts, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"south": "Le sud de la province"}
TEXT: dict[str, str] = {}
INDICATORS: dict[str, tuple[str, str]] = {}
