"""Who is at the till, as the window sees it: the sign-in screen when staff is on, Ctrl+L to
lock, quick switch of user, the idle lock, the signed-in name in the status bar, and the
manager-approval prompt for a guarded action a cashier asked for.

Locking only hides the window's work behind the sign-in screen: the draft on screen is flushed
to the database first and stays loaded, so it is there again after the same or another member
signs in. While locked every window action is off and the scanner is not listening."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QStackedWidget, QWidget

from app.domain.errors import DomainError
from app.domain.permissions import ApprovalRequired
from app.domain.staff import Actor
from app.services import staff

from ..ops import Retry, describe_error
from .approval import ApprovalDialog
from .idle import IdleWatch
from .sign_in import SignInScreen

if TYPE_CHECKING:
    from ..main_window import MainWindow


class StaffSession(QObject):
    def __init__(self, window: MainWindow, *, clock: Callable[[], float] = time.monotonic,
                 idle_timer: QTimer | None = None) -> None:
        super().__init__(window)
        self.w = window
        self.app = window.app
        self.locked = False
        self.approval_dialog: ApprovalDialog | None = None
        self._disabled: list[QAction] = []
        self._focus: QWidget | None = None
        self._hidden: list[QDialog] = []
        # The window's work and the sign-in screen share the central area.
        main = window.takeCentralWidget()
        assert main is not None, "the window builds its central widget before the staff session"
        self.main: QWidget = main
        self.stack = QStackedWidget(window)
        self.stack.setObjectName("staffStack")
        self.screen = SignInScreen(self.stack)
        self.stack.addWidget(self.main)
        self.stack.addWidget(self.screen)
        window.setCentralWidget(self.stack)
        self.screen.attempted.connect(self.attempt)
        self.label = QLabel("", window)
        self.label.setObjectName("staffLabel")
        self.label.setAccessibleName("Signed in")
        window.statusBar().addPermanentWidget(self.label)
        menu = window.menuBar().addMenu("S&taff")
        self.lock_action = window._action(menu, "&Lock", ["Ctrl+L"], self.lock,
                                          "Lock the till; the draft on screen stays (Ctrl+L)")
        self.switch_action = window._action(menu, "S&witch user…", ["Ctrl+Shift+L"], self.switch_user,
                                            "Let another staff member sign in; the draft stays")
        self.sign_out_action = window._action(menu, "Sign &out", [], self.sign_out, "Sign out and lock the till")
        self.idle = IdleWatch(self, minutes=window.settings.idle_lock_minutes, clock=clock, timer=idle_timer)
        self.idle.idle.connect(self.idle_lock)
        window.ops.approval_hook = self.ask_approval
        if self.enabled():
            self.lock()
        else:
            self._show_who()

    # --- state ----------------------------------------------------------------------------
    def enabled(self) -> bool:
        return staff.is_enabled(self.app.uow())

    def _show_who(self) -> None:
        actor = self.app.actor
        if self.locked:
            self.label.setText("Locked")
            self.label.setToolTip("Sign in to go on")
        elif actor is not None:
            self.label.setText(f"Staff: {actor.name} ({actor.role.value})")
            self.label.setToolTip("Ctrl+L locks, Ctrl+Shift+L switches user")
        self.label.setVisible(self.locked or actor is not None)

    # --- locking --------------------------------------------------------------------------
    def lock(self, *, switching: bool = False) -> None:
        if self.locked:
            return
        if not self.enabled():
            self.w.statusBar().showMessage("No staff accounts on this till: there is nothing to lock", 5000)
            return
        self.w.editor.flush()  # whatever was typed reaches the draft before the screen hides it
        self._focus = QApplication.focusWidget()
        self._disabled = [a for a in self.w.actions() if a.isEnabled()]
        for a in self._disabled:
            a.setEnabled(False)
        self.w.menuBar().setEnabled(False)
        self.w.scanner.uninstall()
        # An open dialog (settings, payment, approval) would stay on top of the sign-in screen:
        # it is hidden, keeping what was typed, and shown again after the next sign-in.
        self._hidden = [d for d in self.w.findChildren(QDialog) if d.isVisible()]
        for d in self._hidden:
            d.hide()
        self.locked = True
        self.idle.paused = True
        actor = self.app.actor
        keep = None if switching or actor is None else actor.name
        self.screen.show_staff(staff.list_staff(self.app.uow()), select=keep, locked_by=keep)
        self.stack.setCurrentWidget(self.screen)
        (self.screen.pin_edit if keep else self.screen.staff_list).setFocus()
        self._show_who()

    def switch_user(self) -> None:
        self.lock(switching=True)

    def idle_lock(self) -> None:
        if not self.w.isVisible():
            return
        self.lock()
        if self.locked:
            self.w.statusBar().showMessage("Locked after no activity", 8000)

    def sign_out(self) -> None:
        actor, app = self.app.actor, self.app
        if actor is not None:
            self.w.ops.run(lambda: staff.sign_out(actor, app.uow()))
        self.app.actor = None
        self.lock(switching=True)

    def attempt(self, name: str, pin: str) -> None:
        before, app = self.app.actor, self.app

        def go() -> Any:
            done = staff.sign_in(name, pin, app.uow())
            if before is not None and before.staff_id != done.value.staff_id:
                staff.sign_out(before, app.uow())  # a switch: the one who left is signed out
            return done

        self.w.ops.run(go, success=self._signed_in, error=self._refused)

    def _refused(self, exc: Exception) -> bool:
        if not isinstance(exc, DomainError):
            return False
        self.screen.fail(describe_error(exc))
        return True

    def _signed_in(self, actor: Actor) -> None:
        self.app.actor = actor
        self.locked = False
        self.stack.setCurrentWidget(self.main)
        for a in self._disabled:
            a.setEnabled(True)
        self._disabled = []
        self.w.menuBar().setEnabled(True)
        self.w.scanner.install()
        self.idle.resume()
        self._show_who()
        hidden, self._hidden = self._hidden, []
        for d in hidden:
            try:
                d.show()
            except RuntimeError:  # closed and deleted meanwhile
                pass
        focus, self._focus = self._focus, None
        if focus is not None and focus.isVisible():
            focus.setFocus()
        self.w.statusBar().showMessage(f"Signed in: {actor.name}", 5000)

    # --- manager approval -----------------------------------------------------------------
    def ask_approval(self, exc: ApprovalRequired, retry: Retry) -> bool:
        """The ops runner's hook: ask for a manager's PIN, then run that one call again carrying
        the approval. Cancelled: the action is not done, and the window says so."""
        actor, app = self.app.actor, self.app
        if actor is None:
            return False
        action = exc.action

        def check(name: str, pin: str) -> Any:
            return staff.approve(name, pin, app.uow(), action)

        dlg = ApprovalDialog(action, exc.message, staff.list_staff(app.uow()), actor.name, check, self.w)
        self.approval_dialog = dlg

        def approved() -> None:
            approval = dlg.approval
            if approval is not None:
                retry(lambda call: app.approved(approval, call))

        dlg.accepted.connect(approved)
        dlg.rejected.connect(lambda: self.w.statusBar().showMessage(
            f"Not done: {(action or 'that action').replace('_', ' ')} needs a manager's approval", 8000))
        dlg.open()
        return True

    def set_idle_minutes(self, minutes: int) -> None:
        self.idle.set_minutes(minutes)

    def shutdown(self) -> None:
        """The window closes: the idle watch stops listening to the application."""
        self.idle.stop()
        self.w.ops.approval_hook = None
