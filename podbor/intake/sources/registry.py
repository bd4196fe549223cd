from podbor.intake.sources.base import SourceParser
from podbor.intake.sources.call.parser import ZadarmaCallParser
from podbor.intake.sources.generic.parser import GenericParser
from podbor.intake.sources.hh.parser import HhParser
from podbor.intake.sources.rabota.parser import RabotaParser
from podbor.intake.sources.site.parser import SiteParser
from podbor.intake.sources.superjob.parser import SuperJobParser
from podbor.intake.sources.vk.parser import VkParser
from podbor.intake.sources.whatsapp.parser import WhatsAppParser

# kind -> parser; a new source is a folder with its parser, fixtures and tests, and one line here.
_PARSERS: dict[str, SourceParser] = {
    "generic": GenericParser(),
    "import": GenericParser(),
    "hh": HhParser(),
    "superjob": SuperJobParser(),
    "rabota": RabotaParser(),
    "vk": VkParser(),
    "site": SiteParser(),
    "whatsapp": WhatsAppParser(),
    "call": ZadarmaCallParser(),
}


def parser_for(kind: str) -> SourceParser:
    try:
        return _PARSERS[kind]
    except KeyError:
        raise LookupError(f"no parser for source kind {kind!r}") from None


def register(kind: str, parser: SourceParser) -> None:
    _PARSERS[kind] = parser
