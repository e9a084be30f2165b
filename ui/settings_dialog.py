"""Settings: till name, invoice prefix, shop details, default region and sales channel.
Saved through the settings service; a rejected value is shown next to its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.bootstrap import App
from app.domain.permissions import ApprovalRequired
from app.services import queries
from app.services.settings import TillSettings, load_settings, save_settings

from . import theme

TEXT_FIELDS = (("till_name", "Till name"), ("till_code", "Till code"), ("invoice_prefix", "Invoice prefix"))
SHOP_FIELDS = (("name", "Shop name"), ("address_1", "Street"), ("address_2", "Street (line 2)"),
               ("city", "City"), ("postal_code", "Postal code"), ("province", "State / province"),
               ("country_code", "Country code"), ("phone", "Phone"), ("email", "Email"), ("tax_id", "Tax id"),
               ("footer", "Invoice footer"))


class SettingsDialog(QDialog):
    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Tilldesk settings")
        self.app = app
        self.saved: TillSettings | None = None
        s = load_settings(app.uow())
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}

        def add(key: str, caption: str, value: Any) -> None:
            e = QLineEdit(str(value or ""), self)
            e.setObjectName(f"setting_{key.replace('.', '_')}")
            e.setAccessibleName(caption)
            e.setToolTip(caption)
            err = QLabel(self)
            err.setStyleSheet(theme.style("error", size=11))
            err.hide()
            form.addRow(caption, e)
            form.addRow("", err)
            self.edits[key], self.errors[key] = e, err

        for key, caption in TEXT_FIELDS:
            add(key, caption, getattr(s, key))
        self.region = QComboBox(self)
        self.region.setObjectName("setting_default_region_id")
        self.region.addItem("(first region)", None)
        for r in queries.regions(app.uow()):
            self.region.addItem(f"{r.name} ({r.currency_code.upper()})", r.id)
        self.region.setCurrentIndex(max(0, self.region.findData(s.default_region_id)))
        form.addRow("Default region", self.region)
        self.channel = QComboBox(self)
        self.channel.setObjectName("setting_default_sales_channel_id")
        self.channel.addItem("(none)", None)
        for c in queries.sales_channels(app.uow()):
            self.channel.addItem(c.name, c.id)
        self.channel.setCurrentIndex(max(0, self.channel.findData(s.default_sales_channel_id)))
        form.addRow("Default sales channel", self.channel)
        for key, caption in SHOP_FIELDS:
            add(f"shop.{key}", caption, getattr(s.shop, key))
        self._printing_rows(form, s)
        self._scanner_rows(form, s)
        self._idle_row(form, s)
        # A cashier's change asks a manager's PIN the way every guarded window action does.
        self.approval_hook = getattr(getattr(parent, "ops", None), "approval_hook", None)
        self.general_error = QLabel(self)
        self.general_error.setStyleSheet(theme.style("error"))
        layout.addWidget(self.general_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: self.edits[k].text().strip() for k, _ in TEXT_FIELDS}
        out["default_region_id"] = self.region.currentData()
        out["default_sales_channel_id"] = self.channel.currentData()
        out["shop"] = {k: (self.edits[f"shop.{k}"].text().strip() or None) for k, _ in SHOP_FIELDS}
        if not out["shop"]["name"]:
            out["shop"]["name"] = "My shop"
        out["default_printer"] = self.printer.currentData()
        out["print_dialog"] = self.print_dialog.isChecked()
        out["auto_print_receipt"] = self.auto_receipt.isChecked()
        out["escpos_host"] = self.escpos_host.text().strip() or None
        out["escpos_port"] = self.escpos_port.value()
        out["scanner_max_gap_ms"] = self.scanner_gap.value()
        out["scanner_min_length"] = self.scanner_length.value()
        out["idle_lock_minutes"] = self.idle_lock.value()
        return out

    def _idle_row(self, form: QFormLayout, s: TillSettings) -> None:
        self.idle_lock = QSpinBox(self)
        self.idle_lock.setObjectName("setting_idle_lock_minutes")
        self.idle_lock.setAccessibleName("Lock after minutes without activity")
        self.idle_lock.setToolTip("With staff accounts: the till locks itself after this many minutes "
                                  "without a key or a click (0: never)")
        self.idle_lock.setRange(0, 480)
        self.idle_lock.setSuffix(" min")
        self.idle_lock.setSpecialValueText("never")
        self.idle_lock.setValue(s.idle_lock_minutes)
        form.addRow("Lock when idle for", self.idle_lock)

    def _scanner_rows(self, form: QFormLayout, s: TillSettings) -> None:
        """The barcode scanner's thresholds: what counts as a scan rather than typing."""
        self.scanner_gap = QSpinBox(self)
        self.scanner_gap.setObjectName("setting_scanner_max_gap_ms")
        self.scanner_gap.setAccessibleName("Scanner: most milliseconds between characters")
        self.scanner_gap.setToolTip("A scanner types its code a few ms per character; people are slower. "
                                    "Raise it for a slow (Bluetooth) scanner.")
        self.scanner_gap.setRange(5, 200)
        self.scanner_gap.setSuffix(" ms")
        self.scanner_gap.setValue(s.scanner_max_gap_ms)
        self.scanner_length = QSpinBox(self)
        self.scanner_length.setObjectName("setting_scanner_min_length")
        self.scanner_length.setAccessibleName("Scanner: fewest characters in a code")
        self.scanner_length.setToolTip("Shorter fast bursts ended by Enter stay typed text")
        self.scanner_length.setRange(2, 64)
        self.scanner_length.setValue(s.scanner_min_length)
        form.addRow("Scanner: gap at most", self.scanner_gap)
        form.addRow("Scanner: code at least", self.scanner_length)

    def _printing_rows(self, form: QFormLayout, s: TillSettings) -> None:
        from PySide6.QtPrintSupport import QPrinterInfo

        self.printer = QComboBox(self)
        self.printer.setObjectName("setting_default_printer")
        self.printer.setAccessibleName("Printer")
        self.printer.setToolTip("Where invoices (and receipts without a network printer) are printed")
        self.printer.addItem("(system default)", None)
        for name in QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name, name)
        if s.default_printer and self.printer.findData(s.default_printer) < 0:
            # Kept, not silently dropped: the printer may only be switched off today.
            self.printer.addItem(f"{s.default_printer} (not found)", s.default_printer)
        self.printer.setCurrentIndex(max(0, self.printer.findData(s.default_printer)))
        form.addRow("Printer", self.printer)
        self.print_dialog = QCheckBox("Show the print dialog before printing", self)
        self.print_dialog.setObjectName("setting_print_dialog")
        self.print_dialog.setChecked(s.print_dialog)
        form.addRow("", self.print_dialog)
        self.auto_receipt = QCheckBox("Print the receipt automatically after Mark Paid", self)
        self.auto_receipt.setObjectName("setting_auto_print_receipt")
        self.auto_receipt.setChecked(s.auto_print_receipt)
        form.addRow("", self.auto_receipt)
        self.escpos_host = QLineEdit(s.escpos_host or "", self)
        self.escpos_host.setObjectName("setting_escpos_host")
        self.escpos_host.setAccessibleName("Receipt printer address")
        self.escpos_host.setPlaceholderText("empty: receipts go to the printer above")
        self.escpos_host.setToolTip("Network address of an ESC/POS thermal printer for receipts")
        self.escpos_port = QSpinBox(self)
        self.escpos_port.setObjectName("setting_escpos_port")
        self.escpos_port.setAccessibleName("Receipt printer port")
        self.escpos_port.setRange(1, 65535)
        self.escpos_port.setValue(s.escpos_port)
        for key, caption, w in (("escpos_host", "Receipt printer (ESC/POS)", self.escpos_host),
                                ("escpos_port", "Receipt printer port", self.escpos_port)):
            err = QLabel(self)
            err.setStyleSheet(theme.style("error", size=11))
            err.hide()
            form.addRow(caption, w)
            form.addRow("", err)
            self.errors[key] = err

    def save(self, via: Callable[[Callable[[], TillSettings]], TillSettings] | None = None) -> None:
        """``via``: how to run the save, e.g. carrying a manager's approval (the staff session)."""
        for e in self.errors.values():
            e.hide()
        self.general_error.clear()
        changes, app = self.changes(), self.app

        def call() -> TillSettings:
            return save_settings(changes, app.uow())

        try:
            self.saved = via(call) if via is not None else call()
        except ApprovalRequired as exc:
            hook = self.approval_hook
            if via is None and hook is not None and hook(exc, lambda run: self.save(run)):
                return
            self.general_error.setText(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - every service error is shown, by field when it has one
            errors = getattr(exc, "errors", None) or [exc]
            for e in errors:
                field = getattr(e, "field", None) or ""
                msg = getattr(e, "message", str(e))
                if field in self.errors:
                    self.errors[field].setText(msg)
                    self.errors[field].show()
                else:
                    self.general_error.setText(f"{field}: {msg}" if field else msg)
            return
        self.accept()
