"""Refresh the README's screenshots by driving the real window on a fresh demo database:
`xvfb-run -a -s "-screen 0 1280x800x24" python -m ui.screenshots docs/screenshots`."""

from __future__ import annotations

import sys
import tempfile
from decimal import Decimal
from pathlib import Path


def _save(widget, path: Path) -> None:
    from PySide6.QtCore import QCoreApplication

    for _ in range(5):
        QCoreApplication.processEvents()
    # 8-bit palette PNGs stay small; the UI has few colours.
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    img = widget.grab().toImage().convertToFormat(
        QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.AvoidDither | Qt.ImageConversionFlag.ThresholdDither)
    img.save(str(path), "PNG")
    print(f"{path} {path.stat().st_size // 1024} KB")


def _wait(seconds: float) -> None:
    import time

    from PySide6.QtCore import QCoreApplication

    until = time.monotonic() + seconds
    while time.monotonic() < until:
        QCoreApplication.processEvents()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QApplication

    from app.bootstrap import start
    from app.services import queries

    from .main_window import MainWindow

    _qapp = QApplication.instance() or QApplication(sys.argv[:1])  # held: keeps the application alive
    with tempfile.TemporaryDirectory() as tmp:
        app = start(Path(tmp) / "tilldesk.sqlite", demo=True)
        w = MainWindow(app, synchronous=True)
        w.resize(1280, 800)
        w.show()
        _save(w, out / "01-empty.png")
        from app.services import shifts

        shifts.open_shift({"floats": {"cash": "150.00"}}, app.uow())  # the day starts: the sale below is in it
        w.shift.refresh()

        w.new_draft()
        ed = w.editor
        uow = app.uow
        customer = queries.search_customers("maeve", uow())[0]
        ed.choose_customer(customer)
        for sku, qty in (("COF-ETH-KOC-250-FG", 2), ("BRW-MOK-ALU-3", 1), ("PAN-CHO-70-PER", 3),
                         ("SVC-GFT-WRP-STD", 1)):
            ed.add_variant(queries.search_variants(sku, uow())[0], qty)
        home = next(a for a in customer.addresses if a.is_default_shipping)
        ed.shipping_form.set_address(home, force=True)
        ed.shipping_form._touched.update(ed.shipping_form.fields)
        ed.shipping_form.commit()
        ed.shipping_combo.setCurrentIndex(2)
        ed.shipping.shipping_chosen()
        ed.promo_edit.setText("WELCOME10")
        ed.apply_promo()
        ed.product_search.setFocus()
        _save(w, out / "02-phone-order.png")

        ed.mark_paid()
        dlg = ed.payment_dialog
        assert dlg is not None
        dlg.rows[0].kind.setCurrentIndex(1)
        dlg.rows[0].amount.setText("40.00")
        dlg.rows[0].reference.setText("VISA 4242")
        dlg.add_tender("cash").amount.setText("70")
        _save(dlg, out / "03-payment.png")
        dlg.accept()
        _save(w, out / "04-order.png")

        w.order_document("preview")
        preview = w.printing.preview_dialog
        assert preview is not None
        preview.resize(900, 760)
        # QPdfView renders pages on its own thread: wait for the page before taking the picture.
        _wait(2.0)
        _save(preview, out / "05-preview.png")
        preview.reject()

        view = w.sync.open_view()  # no server set up: the paid order waits in the queue
        view.resize(860, 300)
        _save(view, out / "06-sync.png")
        view.close()

        w.refunds.open_dialog()  # Ctrl+R on the paid order: one bag of chocolate goes back
        refund = w.refunds.dialog
        assert refund is not None
        refund.quantities[2].setValue(1)
        refund.reason.setText("Bar broken in the parcel")
        refund.restock.setChecked(False)
        _save(refund, out / "10-refund.png")
        refund.buttons.accepted.emit()
        if w.refunds.print_offer is not None:
            w.refunds.print_offer.reject()
        _save(w, out / "11-order-refunded.png")

        shifts.cash_in({"amount": "20.00", "reason": "change brought in"}, app.uow())
        w.shift.close_shift()
        close = w.shift.dialog
        cash = close.expected["cash"]
        close.counted["cash"].setText(f"{cash - Decimal('1.50'):.2f}")  # a little short, as it happens
        close.counted["card"].setText(f"{close.expected['card']:.2f}")
        _save(close, out / "07-shift-close.png")
        close.close_button.click()
        z = w.shift.preview_dialog
        assert z is not None
        z.resize(760, 900)
        _wait(1.5)
        _save(z, out / "08-z-report.png")
        z.reject()

        _exchange_shots(w, app, out)
        w.close()

        _sign_in_shot(app, out)
        app.close()
    return 0


def _exchange_shots(w, app, out: Path) -> None:
    """Ctrl+R on the refunded order, the moka pot goes back in exchange: the new draft opens with
    its credit, and Mark Paid takes the credit first and the rest in cash."""
    from app.services import queries

    w.refunds.open_dialog()
    dlg = w.refunds.dialog
    assert dlg is not None
    dlg.quantities[1].setValue(1)
    dlg.reason.setText("Wants the bigger pot")
    dlg.restock.setChecked(True)
    _save(dlg, out / "12-exchange.png")
    dlg.exchange_button.click()
    ed = w.editor
    ed.add_variant(queries.search_variants("BRW-MOK-ALU-6", app.uow())[0], 1)
    ed.mark_paid()
    pay = ed.payment_dialog
    assert pay is not None
    if pay.rows:
        pay.rows[0].amount.setText("50")
    _save(pay, out / "13-exchange-payment.png")
    pay.accept()
    _save(w, out / "14-exchange-order.png")


def _sign_in_shot(app, out: Path) -> None:
    """Staff turned on (an owner, a manager, a cashier): the window opens on the sign-in screen."""
    from app.services import staff

    from .main_window import MainWindow

    staff.add_staff("Olga Brandt", "owner", "86420135", app.uow())
    app.actor = staff.sign_in("Olga Brandt", "86420135", app.uow()).value
    staff.add_staff("Mia Lindqvist", "manager", "2222", app.uow())
    staff.add_staff("Cam Okafor", "cashier", "3333", app.uow())
    app.actor = None
    w = MainWindow(app, synchronous=True)
    w.resize(1280, 800)
    w.show()
    w.staff.screen.select("Cam Okafor")
    w.staff.screen.pin_edit.setText("33")
    _save(w, out / "09-sign-in.png")
    w.close()


if __name__ == "__main__":
    sys.exit(main())
