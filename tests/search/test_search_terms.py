"""The search box's words as the indexes are asked for them (app.persistence.search_terms): an
email is looked up in the trigram index by its part before the @ and checked whole with LIKE, so a
search for one customer's email does not read the doclists of a domain most customers share."""

from __future__ import annotations

from app.persistence.search_terms import indexed_part, match_terms


def test_an_email_is_indexed_by_its_local_part_and_checked_whole():
    assert match_terms("Ann.Lee@Example.com") == ('"ann.lee"', ["ann.lee@example.com"])
    assert match_terms("ann.lee@example.com smith") == ('"ann.lee" AND "smith"', ["ann.lee@example.com"])


def test_a_short_local_part_or_a_bare_domain_is_indexed_whole():
    assert indexed_part("al@example.com") == "al@example.com"
    assert indexed_part("@example.com") == "@example.com"
    assert match_terms("@example.com") == ('"@example.com"', [])


def test_plain_words_are_unchanged():
    assert match_terms("smith an") == ('"smith"', ["an"])
    assert match_terms('say "hi"') == ('"say" AND """hi"""', [])
    assert match_terms("   ") == (None, [])
