"""One folder per source kind: a parser turning the vendor's payload into a Lead, with real-shaped fixtures."""

from podbor.intake.sources.base import Lead, NothingToDo, PayloadError, SourceParser
from podbor.intake.sources.registry import parser_for

__all__ = ["Lead", "NothingToDo", "PayloadError", "SourceParser", "parser_for"]
