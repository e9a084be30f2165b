"""Tax only from the draft's region, through the window: a German address typed on a USD draft is
refused with the services' own message, and the draft keeps no address and no German VAT."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.services import drafts


def test_a_german_address_on_a_usd_draft_is_refused_in_the_window(qtbot, window, till):
    ed = window.editor
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert ed.draft is not None and ed.draft.currency_code == "usd"
    form = ed.shipping_form
    form.fields["first_name"].setText("Zoë")
    country = form.fields["country_code"]
    country.setCurrentIndex(country.findData("de"))
    form.fields["city"].setText("Köln")
    form.fields["postal_code"].setText("50672")
    assert form.commit()  # the form itself finds nothing wrong: the region decides
    message = "shipping_address: country DE is not in region United States (us)"
    qtbot.waitUntil(lambda: any(message in m for m in window.errors_shown))
    stored = drafts.get_draft(ed.draft.id, till.uow())
    assert stored.shipping_address is None and stored.totals.tax_total == 0
