"""One way to write an address per country, for the window, the invoice, the receipt and the order
view alike. Pure and table-driven: the countries the shop deals with have their own line for the
place (city, state or province, postal code), every other country gets the common European
"postal code, city" line with the province below it.

Provinces arrive as Medusa stores them, an ISO 3166-2 code in lower case ("us-ny"). Countries that
write the state as its postal abbreviation (US, Canada, Australia) print the code's second half
("NY"); elsewhere the caller passes the province's name (looked up at the edge, where the data
packages live), and the code is the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# How the place line(s) read, per ISO 3166-1 alpha-2 country. {city}, {region}, {postal}; a line
# whose parts are all empty is left out, and separators next to an empty part are dropped.
PLACE_FORMATS: dict[str, tuple[str, ...]] = {
    "US": ("{city}, {region} {postal}",),
    "CA": ("{city} {region} {postal}",),
    "AU": ("{city} {region} {postal}",),
    "GB": ("{city}", "{postal}"),
    "IE": ("{city}", "{region}", "{postal}"),
    "IT": ("{postal} {city} {region}",),
    "ES": ("{postal} {city}", "{region}"),
    "JP": ("{postal}", "{region} {city}"),
}
DEFAULT_PLACE_FORMAT: tuple[str, ...] = ("{postal} {city}", "{region}")

# Countries where the state is written as its abbreviation, taken from the ISO code ("us-ny" -> "NY").
ABBREVIATED_REGIONS = frozenset({"US", "CA", "AU"})
# Countries whose addresses carry no province line even when one is stored.
NO_REGION = frozenset({"DE", "AT", "CH", "FR", "NL", "BE", "LU", "PL", "CZ", "SK", "DK", "SE", "NO", "FI", "PT"})


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """The parts of an address to write; every part optional."""

    name: str = ""
    company: str = ""
    street: tuple[str, ...] = ()
    city: str = ""
    postal_code: str = ""
    province: str = ""  # an ISO 3166-2 code ("us-ny") or free text
    province_name: str = ""  # the code's name when known ("New York")
    country_code: str = ""
    country_name: str = ""


def region_text(country_code: str, province: str, province_name: str = "") -> str:
    """The province as this country writes it: 'NY' for a US state, the name elsewhere."""
    cc, p = country_code.strip().upper(), province.strip()
    if not p:
        return ""
    if cc in NO_REGION:
        return ""
    prefix, sep, rest = p.partition("-")
    is_code = bool(sep) and prefix.upper() == cc and rest.isalnum()
    if cc in ABBREVIATED_REGIONS and is_code:
        return rest.upper()
    if is_code:
        return province_name.strip() or rest.upper()
    return p


def _fill(template: str, values: dict[str, str]) -> str:
    """`template` with its {parts}; a comma or space next to an empty part does not stay behind."""
    text = template.format(**values)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s*,(\s*,)+", ",", text)  # two separators in a row: one
    return text.strip(" ,").replace(" ,", ",")


def place_lines(country_code: str, city: str = "", postal_code: str = "", province: str = "",
                province_name: str = "") -> tuple[str, ...]:
    """The line(s) naming the place: 'Brooklyn, NY 11249' (US), '10969 Berlin' (DE)."""
    cc = country_code.strip().upper()
    values = {"city": city.strip(), "postal": postal_code.strip(),
              "region": region_text(cc, province, province_name)}
    lines = (_fill(t, values) for t in PLACE_FORMATS.get(cc, DEFAULT_PLACE_FORMAT))
    return tuple(line for line in lines if line)


def address_lines(a: PostalAddress, *, with_country: bool = True, home_country: str = "") -> tuple[str, ...]:
    """The whole address, one entry per printed line, empty parts left out. The country line is
    left out when `with_country` is false, or when it is the `home_country` (a domestic letter)."""
    lines: list[str] = [a.name, a.company, *a.street,
                        *place_lines(a.country_code, a.city, a.postal_code, a.province, a.province_name)]
    domestic = bool(home_country) and home_country.strip().upper() == a.country_code.strip().upper()
    if with_country and not domestic:
        lines.append(a.country_name or a.country_code.upper())
    return _clean(lines)


def one_line(a: PostalAddress, *, with_country: bool = False) -> str:
    """The address on one line, for a list or a tooltip: '187 Berry Street, Brooklyn, NY 11249'."""
    return ", ".join(address_lines(PostalAddress(
        street=a.street, city=a.city, postal_code=a.postal_code, province=a.province,
        province_name=a.province_name, country_code=a.country_code, country_name=a.country_name),
        with_country=with_country))


def _clean(lines: Iterable[str]) -> tuple[str, ...]:
    return tuple(s.strip() for s in lines if s and s.strip())


__all__ = ["PLACE_FORMATS", "PostalAddress", "address_lines", "one_line", "place_lines", "region_text"]
