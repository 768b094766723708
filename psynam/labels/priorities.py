"""French words of the priorities page(s): page titles, texts, and indicator definitions for the glossary."""

PAGE: dict[str, str] = {"priorities": "Aînés et petite enfance"}
TEXT: dict[str, str] = {}
INDICATORS: dict[str, tuple[str, str]] = {}
