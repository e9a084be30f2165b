"""One address format per country, shared by the window and the printed documents."""

from __future__ import annotations

import pytest

from app.domain.address_format import PostalAddress, address_lines, one_line, place_lines, region_text
from app.printing.document import PartyAddress
from app.printing.phones import format_phone


@pytest.mark.parametrize(("country", "city", "postal", "province", "name", "expected"), [
    ("us", "Brooklyn", "11249", "us-ny", "New York", ("Brooklyn, NY 11249",)),
    ("US", "Brooklyn", "11249", "New York", "", ("Brooklyn, New York 11249",)),  # free text stays
    ("us", "", "11249", "us-ny", "", ("NY 11249",)),  # no dangling comma
    ("us", "Brooklyn", "", "", "", ("Brooklyn",)),
    ("ca", "Toronto", "M5V 2T6", "ca-on", "Ontario", ("Toronto ON M5V 2T6",)),
    ("de", "Berlin", "10969", "de-be", "Berlin", ("10969 Berlin",)),  # no Land on a German letter
    ("fr", "Paris", "75003", "", "", ("75003 Paris",)),
    ("pl", "Kraków", "31-019", "małopolskie", "", ("31-019 Kraków",)),
    ("gb", "London", "SW1A 1AA", "", "", ("London", "SW1A 1AA")),
    ("es", "Madrid", "28001", "es-m", "Madrid", ("28001 Madrid", "Madrid")),
    ("br", "Recife", "50000-000", "br-pe", "Pernambuco", ("50000-000 Recife", "Pernambuco")),  # default
])
def test_place_line_per_country(country, city, postal, province, name, expected):
    assert place_lines(country, city, postal, province, name) == expected


def test_region_is_the_abbreviation_only_where_the_country_writes_it_so():
    assert region_text("US", "us-ny") == "NY"
    assert region_text("ES", "es-m", "Madrid") == "Madrid"
    assert region_text("ES", "es-m") == "M"  # no name known: the code, never nothing
    assert region_text("US", "ca-on") == "ca-on"  # another country's code is not mangled


def test_whole_address_leaves_out_empty_parts_and_the_home_country():
    a = PostalAddress(name="Maeve O'Brien", street=("187 Berry Street", "Apt 4B"), city="Brooklyn",
                      postal_code="11249", province="us-ny", country_code="us", country_name="United States")
    assert address_lines(a) == ("Maeve O'Brien", "187 Berry Street", "Apt 4B", "Brooklyn, NY 11249", "United States")
    assert address_lines(a, home_country="US")[-1] == "Brooklyn, NY 11249"
    assert one_line(a) == "187 Berry Street, Apt 4B, Brooklyn, NY 11249"
    assert address_lines(PostalAddress()) == ()


def test_paper_uses_the_same_format_as_the_window():
    party = PartyAddress(name="Maeve", lines=("187 Berry Street",), city="Brooklyn", postal_code="11249",
                         province="us-ny", province_name="New York", country_name="United States",
                         country_code="us", phone="(718) 555-0142")
    assert party.printable_lines() == ("Maeve", "187 Berry Street", "Brooklyn, NY 11249", "United States",
                                       "(718) 555-0142")


@pytest.mark.parametrize(("raw", "home", "shown"), [
    ("+17185550142", "US", "(718) 555-0142"),  # the shop's country: national
    ("+17185550142", "de", "+1 718-555-0142"),  # another country: international
    ("+48123456789", "US", "+48 12 345 67 89"),
    ("7185550142", "US", "(718) 555-0142"),  # typed without a country code: the shop's
    ("ask for Tom", "US", "ask for Tom"),  # not a number: as typed
    ("", "US", ""),
    (None, "US", ""),
])
def test_phone_for_display(raw, home, shown):
    assert format_phone(raw, home) == shown
