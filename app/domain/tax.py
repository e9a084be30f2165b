"""Which tax rates apply to an order: Medusa's system tax provider charges tax only when the order
has a shipping address in a country with a tax region; a province rate overrides the country's."""

from __future__ import annotations

from collections.abc import Iterable

from .address import Address
from .catalog import Region, TaxRate
from .errors import InvalidValue
from .totals import TaxLine


def in_region(region: Region, address: Address | None) -> bool:
    """Whether Medusa would take this address on an order of the region: no country yet, or one of
    the region's countries. A region whose countries are not known locally takes any."""
    if address is None or not address.country_code or not region.countries:
        return True
    return address.country_code.lower() in {c.lower() for c in region.countries}


def check_addresses_in_region(region: Region, **addresses: Address | None) -> None:
    """Refuses an address outside the region (Medusa refuses it too, and its tax would be another
    country's): ``check_addresses_in_region(region, shipping_address=a, billing_address=b)``."""
    for name, address in addresses.items():
        if not in_region(region, address):
            country = (address.country_code or "").upper() if address else ""
            raise InvalidValue(
                f"country {country} is not in region {region.name} ({', '.join(sorted(region.countries))})",
                field=name)


def tax_lines_for(region: Region, address: Address | None, rates: Iterable[TaxRate]) -> tuple[TaxLine, ...]:
    if not region.automatic_taxes or address is None or not address.country_code or not in_region(region, address):
        return ()  # tax only from the region's own countries, never from an address outside it
    country = address.country_code.lower()
    province = (address.province or "").lower() or None
    if province and "-" not in province:
        province = f"{country}-{province}"
    candidates = [r for r in rates if r.country_code.lower() == country]
    if province:
        specific = [r for r in candidates if (r.province_code or "").lower() == province]
        if specific:
            return tuple(TaxLine(rate=r.rate, code=r.code, name=r.name) for r in specific)
    default = [r for r in candidates if not r.province_code]
    return tuple(TaxLine(rate=r.rate, code=r.code, name=r.name) for r in default[:1])
