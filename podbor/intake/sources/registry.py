from podbor.intake.sources.base import SourceParser
from podbor.intake.sources.generic.parser import GenericParser

# kind -> parser; a new source is a folder with its parser, fixtures and tests, and one line here.
_PARSERS: dict[str, SourceParser] = {
    "generic": GenericParser(),
    "import": GenericParser(),
}


def parser_for(kind: str) -> SourceParser:
    try:
        return _PARSERS[kind]
    except KeyError:
        raise LookupError(f"no parser for source kind {kind!r}") from None


def register(kind: str, parser: SourceParser) -> None:
    _PARSERS[kind] = parser
