"""Which tax rates apply to an order: Medusa's system tax provider charges tax only when the order
has a shipping address in a country with a tax region; a province rate overrides the country's."""

from __future__ import annotations

from collections.abc import Iterable

from .address import Address
from .catalog import Region, TaxRate
from .totals import TaxLine


def tax_lines_for(region: Region, address: Address | None, rates: Iterable[TaxRate]) -> tuple[TaxLine, ...]:
    if not region.automatic_taxes or address is None or not address.country_code:
        return ()
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
