"""A PDF on screen exactly as it will print (QtPdf), with Print and Save buttons.

The dialog only shows bytes it is given; what Print and Save do is up to whoever opened it
(the printing controller), so the preview never records a print by itself."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from . import none_guard

none_guard.install()  # this module is usable on its own: keep None alive under PySide6 6.12 (see there)


def load_pdf(pdf: bytes, parent=None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument reading `pdf` from memory. The buffer is returned too: the document reads
    from it lazily, so it has to live as long as the document."""
    buf = QBuffer(parent)
    buf.setData(QByteArray(pdf))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument(parent)
    doc.load(buf)
    if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
        raise ValueError(f"not a readable PDF ({doc.error().name})")
    return doc, buf


def render_page_on_white(doc: QPdfDocument, page: int, dpi: float) -> QImage:
    """Page `page` at `dpi`. QPdfDocument renders with a transparent background, which printers
    and image files show as black or grey: the page is composed onto white paper."""
    pt = doc.pagePointSize(page)
    size = pt.toSize()
    size.setWidth(max(1, round(pt.width() * dpi / 72)))
    size.setHeight(max(1, round(pt.height() * dpi / 72)))
    rendered = doc.render(page, size)
    paper = QImage(size, QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)
    p = QPainter(paper)
    p.drawImage(0, 0, rendered)
    p.end()
    return paper


class PdfPreviewDialog(QDialog):
    printRequested = Signal()
    saveRequested = Signal()

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreviewDialog")
        self.setWindowTitle(title)
        self.document, self._buffer = load_pdf(pdf, self)
        layout = QVBoxLayout(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfPreviewView")
        self.view.setAccessibleName("Document preview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        layout.addWidget(self.view, 1)
        bar = QHBoxLayout()
        n = self.document.pageCount()
        self.pages_label = QLabel(f"{n} page{'s' if n != 1 else ''}", self)
        self.pages_label.setObjectName("previewPagesLabel")
        bar.addWidget(self.pages_label)
        bar.addStretch(1)
        buttons = QDialogButtonBox(self)
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setObjectName("previewPrintButton")
        self.print_button.setToolTip("Print this document (recorded on the order)")
        self.save_button = QPushButton("&Save as PDF…", self)
        self.save_button.setObjectName("previewSaveButton")
        self.save_button.setToolTip("Save this document as a PDF file (recorded on the order)")
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(self._save)
        bar.addWidget(buttons)
        layout.addLayout(bar)
        self.resize(760, 760)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def _print(self) -> None:
        self.printRequested.emit()
        self.accept()

    def _save(self) -> None:
        self.saveRequested.emit()
        self.accept()
