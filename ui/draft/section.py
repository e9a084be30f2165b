"""What every section of the draft editor shares: the editor it belongs to, and the draft it shows.

A section is not a widget of its own: it builds its widgets into the editor's layout, parented to
the editor, so object names, the focus chain and the screenshots stay exactly as one form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.dto import DraftOrderDTO

if TYPE_CHECKING:
    from .editor import DraftEditor


class Section:
    def __init__(self, editor: DraftEditor) -> None:
        self.editor = editor
        self.app = editor.app
        self.ops = editor.ops

    @property
    def draft(self) -> DraftOrderDTO | None:
        return self.editor.draft
