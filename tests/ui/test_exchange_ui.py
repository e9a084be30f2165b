"""The refund dialog's split tenders and its Exchange button, through the window (real widgets
offscreen, a real SQLite file): two tenders that must add up to the refund, and an exchange that
opens the new draft whose Mark Paid takes the credit first and the rest in cash."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from app.domain.money import round_money
from app.services import queries
from ui.display import money

from .test_refund_ui import SKU, open_refund, paid_order, stored


def test_split_refund_cash_and_card_must_add_up_to_the_total(qtbot, window):
    o = paid_order(window, qty=3)
    dlg = open_refund(qtbot, window)
    dlg.quantities[0].setValue(2)
    total = dlg.total
    assert total == round_money(o.items[0].total * 2 / 3, o.currency_code)
    assert not dlg.split.isVisible()
    dlg.split.toggle.setChecked(True)
    assert dlg.split.isVisible()
    # The original tender (cash) is the first; the second offers the next kind (card).
    assert dlg.tender_kind() == "cash" and dlg.split.kind.currentData()[0] == "card"
    dlg.split.amount.setText("10.00")
    assert Decimal(dlg.split.first.text()) == total - 10  # the first part follows the second
    assert dlg.problem_label.text() == "Second card reference: a card refund needs the card terminal's reference"
    assert not dlg.refund_button.isEnabled()
    dlg.split.reference.setText("VISA 77")
    assert dlg.problem_label.text() == "" and dlg.refund_button.isEnabled()
    dlg.split.first.setText("5.00")
    dlg.split.first.textEdited.emit("5.00")
    assert dlg.problem_label.text() == (f"Tenders: the parts add up to {money(Decimal('15.00'), o.currency_code)}, "
                                        f"the refund is {money(total, o.currency_code)}")
    assert not dlg.refund_button.isEnabled()
    window.refunds.submit(dlg)  # even if the click got through: nothing is written
    assert stored(window.app, o.id)[1] == []
    dlg.split.amount.setText("abc")
    assert dlg.problem_label.text() == "Second tender's part: 'abc' is not an amount"
    dlg.split.first.setText(str(total - 10))
    dlg.split.amount.setText("10.00")
    assert dlg.problem_label.text() == ""
    qtbot.mouseClick(dlg.refund_button, Qt.MouseButton.LeftButton)
    if window.refunds.print_offer is not None:
        window.refunds.print_offer.reject()
    _, refs, _ = stored(window.app, o.id)
    assert [(t.kind.value, t.amount, t.reference) for t in refs[0].tenders] == [
        ("cash", total - 10, None), ("card", Decimal("10.00"), "VISA 77")]


def test_exchange_opens_the_new_draft_and_mark_paid_takes_the_credit_first(qtbot, window):
    o = paid_order(window, qty=3)
    dlg = open_refund(qtbot, window)
    assert not dlg.exchange_button.isEnabled()  # nothing chosen yet
    dlg.quantities[0].setValue(1)
    credit = dlg.total
    assert dlg.exchange_button.isEnabled()
    dlg.shipping.setChecked(dlg.shipping.isEnabled())
    dlg.amount.setText("1.00")
    assert not dlg.exchange_button.isEnabled()  # only items are exchanged
    dlg.amount.setText("")
    dlg.restock.setChecked(True)
    qtbot.mouseClick(dlg.exchange_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    ex = window.refunds.last_exchange
    assert ex is not None and ex.credit == credit
    # The new draft is open in the editor, for the same customer, holding the credit.
    assert window.stack.currentWidget() is window.editor
    ed = window.editor
    assert ed.draft is not None and ed.draft.id == ex.draft.id and ed.draft.exchange_credit == credit
    assert ed.draft.email == o.email
    order, refs, rets = stored(window.app, o.id)
    assert order.refunded_total == credit and rets[0].restock
    assert [(t.kind.value, t.amount) for t in refs[0].tenders] == [("exchange_credit", credit)]

    ed.add_variant(queries.search_variants(SKU, window.app.uow())[0], 2)
    due = ed.draft.totals.amount_due
    ed.mark_paid()
    pay = ed.payment_dialog
    assert pay.amount_due == due - credit
    assert pay.findChild(type(pay.change_label), "exchangeCreditLabel").text() == f"−{money(credit, o.currency_code)}"
    assert pay.rows[0].amount.text() == str(due - credit)
    pay.rows[0].amount.setText("100")
    pay.accept()
    new = window.order_view.order
    assert window.stack.currentWidget() is window.order_view and new.id != o.id
    assert [(p.kind.value, p.amount) for p in new.payments] == [("exchange_credit", credit), ("cash", due - credit)]
    _, refs, _ = stored(window.app, o.id)
    assert refs[0].tenders[0].reference == f"order:{new.id}"


def test_a_deleted_exchange_draft_leaves_the_credit_for_the_next_exchange_in_the_dialog(qtbot, window):
    from app.services import drafts

    o = paid_order(window, qty=3)
    dlg = open_refund(qtbot, window)
    dlg.quantities[0].setValue(1)
    credit = dlg.total
    qtbot.mouseClick(dlg.exchange_button, Qt.MouseButton.LeftButton)
    first = window.refunds.last_exchange
    drafts.delete_draft(first.draft.id, window.app.uow())
    window.open_order(o.id)
    dlg = open_refund(qtbot, window)
    assert dlg.info.open_credit == credit and "open exchange credit" in dlg.findChild(
        type(dlg.total_label), "refundHeading").text()
    assert dlg.exchange_button.isEnabled()  # no items needed: the open credit goes to a new draft
    qtbot.mouseClick(dlg.exchange_button, Qt.MouseButton.LeftButton)
    again = window.refunds.last_exchange
    assert again.draft.id != first.draft.id and again.credit == credit and again.refund_id is None
    assert window.editor.draft.id == again.draft.id
    _, refs, _ = stored(window.app, o.id)
    assert len(refs) == 1 and refs[0].tenders[0].reference == f"draft:{again.draft.id}"
