"""Phone numbers as people read them. They are stored as typed or as E.164 ('+17185550142');
for display a number of the shop's own country reads the national way ('(718) 555-0142'), any
other the international way ('+48 12 345 67 89'). Text that is no phone number stays as it is."""

from __future__ import annotations


def format_phone(raw: str | None, home_country: str | None = None) -> str:
    """`raw` for display; `home_country` is the shop's ISO 3166-1 alpha-2 code ('US')."""
    text = (raw or "").strip()
    if not text:
        return ""
    home = (home_country or "").strip().upper() or None
    import phonenumbers  # on first use: its metadata is not needed for the first frame

    try:
        number = phonenumbers.parse(text, home)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    region = phonenumbers.region_code_for_number(number)
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if home and region == home
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return str(phonenumbers.format_number(number, style))


__all__ = ["format_phone"]
