"""A spelling-independent key for Russian names, so that 'Юлия Иванова', 'Yulia Ivanova' and 'Julia Ivanova'
compare equal. Transliteration is iuliia's; the folding of Latin spelling variants is ours."""

import re

import iuliia

from podbor.lib.names import name_fold

_CYRILLIC = re.compile(r"[а-яё]")
# Latin spelling variants of the same Russian sound, longest first.
_FOLDS = [
    ("shch", "s"), ("sch", "s"), ("kh", "h"), ("zh", "j"), ("ts", "c"), ("tz", "c"), ("ch", "c"), ("sh", "s"),
    ("yu", "u"), ("iu", "u"), ("ju", "u"), ("ya", "a"), ("ia", "a"), ("ja", "a"), ("yo", "o"), ("jo", "o"),
    ("io", "o"), ("ye", "e"), ("je", "e"), ("ks", "x"), ("ff", "v"), ("w", "v"), ("y", "i"), ("j", "i"),
    ("'", ""), ("ʹ", ""),
]


def name_skeleton(word: str) -> str:
    """One word of a name reduced to a rough Latin skeleton."""
    text = name_fold(word)
    if _CYRILLIC.search(text):
        text = iuliia.WIKIPEDIA.translate(text).lower()
    for old, new in _FOLDS:
        text = text.replace(old, new)
    text = re.sub(r"[^a-z]", "", text)
    return re.sub(r"(.)\1+", r"\1", text)  # double letters: Anna/Ana, Filippov/Filipov


def name_key(*parts: str) -> str:
    """Order-independent key of the given name words (last and first name, usually)."""
    words = [name_skeleton(w) for part in parts for w in (part or "").split()]
    return " ".join(sorted(w for w in words if w))
