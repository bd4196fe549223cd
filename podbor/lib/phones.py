"""Phone numbers as people type them, normalised with phonenumbers to E.164."""

from dataclasses import dataclass

import phonenumbers


@dataclass(frozen=True)
class Phone:
    raw: str
    e164: str  # empty when the number could not be understood
    valid: bool


def phone_normalize(raw: str, region: str = "RU") -> Phone:
    """'8 (999) 123-45-67', '+7 999 1234567' and '9991234567' are all +79991234567.

    An invalid number is kept as entered with ``valid=False``; it still gets an ``e164`` when it has at least
    seven digits, so that an exact repeat of the same bad number still matches.
    """
    text = (raw or "").strip()
    if not text:
        return Phone(raw="", e164="", valid=False)
    candidate = text
    digits = "".join(ch for ch in text if ch.isdigit())
    if region == "RU" and not text.startswith("+") and len(digits) == 11 and digits[0] in "78":
        candidate = "+7" + digits[1:]
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return Phone(raw=text, e164=("+" + digits) if len(digits) >= 7 else "", valid=False)
    valid = phonenumbers.is_valid_number(number)
    if not valid and len(digits) < 7:
        # phonenumbers happily parses "12345" as +712345: too short to be anyone's number or to match on.
        return Phone(raw=text, e164="", valid=False)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(raw=text, e164=e164, valid=valid)


def phone_format(e164: str) -> str:
    """A stored E.164 number as people read it: +7 999 123-45-67."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def looks_like_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 6 and all(ch.isdigit() or ch in " +-()." for ch in text.strip())
